//! The registry the certificates are made from: subscribers (individuals
//! and organizations), their units (agencies) and their tokens. Identity is
//! checked here, once, when it is registered: national IDs, tax codes,
//! provinces (a former province maps to its current unit, and the caller is
//! told).

use std::str::FromStr;

use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, AuditAction, AuditEvent};
use crate::lifecycle::now;
use crate::store::models::{NewSubscriber, NewUnit, SubscriberRow, UnitRow};
use crate::store::schema::{subscribers, units};
use crate::store::DbConnection;
use crate::subject::{resolve_province, NationalId, NationalIdKind, SubjectInfo};
use crate::{Ca, CaError};

pub mod contact;
mod lookup;
pub(crate) mod search_key;
pub(crate) mod unit;

pub use lookup::SubscriberSearch;
pub use search_key::search_key;
pub use unit::{
    apply_unit_change, check_agency_code, plan_unit_change, unit_certificates, AddedUnit,
    UnitAction, UnitCertificates, UnitChange, UnitChangePlan, UnitInput, UnitUpdate, MAX_UNIT_NAME,
};

/// Who a subscriber is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum SubscriberKind {
    /// A person (Mẫu 01).
    Individual,
    /// An agency or organization (Mẫu 02).
    Organization,
    /// A device, service or software (Mẫu 03).
    Device,
}

impl SubscriberKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Organization => "organization",
            Self::Device => "device",
        }
    }
}

impl FromStr for SubscriberKind {
    type Err = CaError;

    fn from_str(s: &str) -> Result<Self, CaError> {
        match s.trim() {
            "individual" => Ok(Self::Individual),
            "organization" => Ok(Self::Organization),
            "device" => Ok(Self::Device),
            other => Err(CaError::Refused(format!(
                "unknown subscriber kind {other:?}; use individual, organization or device"
            ))),
        }
    }
}

crate::text_enum!(SubscriberKind);

/// A subscriber to register.
#[derive(Debug, Clone)]
pub struct SubscriberInput {
    /// Individual, organization or device.
    pub kind: SubscriberKind,
    /// Full name, or the organization's name (CN).
    pub name: String,
    /// `CCCD:`, `CMND:` or `HC:` (individuals).
    pub national_id: Option<String>,
    /// `MST:` (organizations).
    pub tax_code: Option<String>,
    /// Position (title).
    pub title: Option<String>,
    /// The unit (OU).
    pub unit: Option<String>,
    /// The parent agency (O).
    pub organization: Option<String>,
    /// Locality (L).
    pub locality: Option<String>,
    /// Province or centrally-run city (ST), current or former name.
    pub province: String,
    /// Official e-mail (SAN).
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// Changes to a subscriber before a change-of-information certificate.
#[derive(Debug, Clone, Default)]
pub struct SubscriberChanges {
    /// New name.
    pub name: Option<String>,
    /// New title.
    pub title: Option<String>,
    /// New unit.
    pub unit: Option<String>,
    /// New parent agency.
    pub organization: Option<String>,
    /// New locality.
    pub locality: Option<String>,
    /// New province.
    pub province: Option<String>,
    /// New e-mail.
    pub email: Option<String>,
}

impl SubscriberChanges {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.title.is_none()
            && self.unit.is_none()
            && self.organization.is_none()
            && self.locality.is_none()
            && self.province.is_none()
            && self.email.is_none()
    }

    /// The subject with these changes applied, normalised and checked,
    /// and a note when a former province name was mapped.
    pub fn apply(&self, mut info: SubjectInfo) -> Result<(SubjectInfo, Option<String>), CaError> {
        let (province, note) = match &self.province {
            Some(p) => {
                let (p, n) = current_province(p)?;
                (Some(p), n)
            }
            None => (None, None),
        };
        let pick = |new: &Option<String>, old: Option<String>| new.clone().or(old);
        info.common_name = self.name.clone().unwrap_or(info.common_name);
        info.title = pick(&self.title, info.title);
        info.organizational_unit = pick(&self.unit, info.organizational_unit);
        info.organization = pick(&self.organization, info.organization);
        info.locality = pick(&self.locality, info.locality);
        info.province = province.or(info.province);
        info.email = pick(&self.email, info.email);
        let info = info.normalized();
        info.to_name()?;
        Ok((info, note))
    }
}

/// A registered subscriber, with what the caller should tell the user.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The new id.
    pub id: i64,
    /// Set when a former province name was mapped to its current unit.
    pub province_note: Option<String>,
}

/// One field a re-imported list changes ([`Ca::differences`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The field: `name`, `title`, `unit`, `organization`, `province` or
    /// `email` (the import's column keys).
    pub field: &'static str,
    /// The registered value.
    pub old: Option<String>,
    /// The list's value.
    pub new: String,
}

/// A subscriber whose identity passed every check, ready to be stored.
#[derive(Debug, Clone)]
pub struct CheckedSubscriber {
    kind: SubscriberKind,
    uid: Option<NationalId>,
    province: String,
    province_note: Option<String>,
    info: SubjectInfo,
    phone: Option<String>,
}

impl CheckedSubscriber {
    /// The identifier (`CCCD:…`, `MST:…`), normalised.
    pub fn uid(&self) -> Option<&NationalId> {
        self.uid.as_ref()
    }

    /// The current province.
    pub fn province(&self) -> &str {
        &self.province
    }

    /// Set when a former province name was mapped to its current unit.
    pub fn province_note(&self) -> Option<&str> {
        self.province_note.as_deref()
    }

    /// The identifier no other subscriber of the same kind may hold: an
    /// individual's or an organization's (a device's is not unique).
    pub fn unique_uid(&self) -> Option<String> {
        match self.kind {
            SubscriberKind::Individual | SubscriberKind::Organization => {
                self.uid.as_ref().map(ToString::to_string)
            }
            SubscriberKind::Device => None,
        }
    }
}

/// [`Ca::registered_subscribers`] inside a transaction.
fn registered_in(
    c: &mut DbConnection,
    checked: &[CheckedSubscriber],
) -> Result<Vec<Option<(String, i64)>>, CaError> {
    checked
        .iter()
        .map(|s| -> Result<Option<(String, i64)>, CaError> {
            let Some(uid) = s.unique_uid() else {
                return Ok(None);
            };
            let id: Option<i64> = subscribers::table
                .filter(subscribers::kind.eq(s.kind.as_str()))
                .filter(subscribers::uid.eq(&uid))
                .select(subscribers::id)
                .first(c)
                .optional()?;
            Ok(id.map(|id| (uid, id)))
        })
        .collect()
}

/// Checks a subscriber as registration does, without writing anything.
pub fn check_subscriber(input: &SubscriberInput) -> Result<CheckedSubscriber, CaError> {
    let uid = identity(input)?;
    let (province, note) = current_province(&input.province)?;
    let info = SubjectInfo {
        common_name: input.name.clone(),
        uid: uid.clone(),
        title: input.title.clone(),
        organizational_unit: input.unit.clone(),
        organization: input.organization.clone(),
        locality: input.locality.clone(),
        province: Some(province.clone()),
        email: input.email.clone(),
    }
    .normalized();
    info.to_name()?;
    Ok(CheckedSubscriber {
        kind: input.kind,
        uid,
        province,
        province_note: note,
        info,
        phone: contact::phone(input.phone.as_deref())?,
    })
}

/// Stores a checked subscriber and its audit event (inside the caller's
/// write transaction).
fn insert_subscriber(
    c: &mut DbConnection,
    s: &CheckedSubscriber,
    actor: &str,
    now: chrono::NaiveDateTime,
) -> Result<i64, CaError> {
    let info = &s.info;
    let unit_id = match &info.organizational_unit {
        Some(unit) => Some(unit_id(c, unit, info.organization.as_deref(), &s.province)?),
        None => None,
    };
    let uid = s.uid.as_ref().map(ToString::to_string);
    let id = diesel::insert_into(subscribers::table)
        .values(NewSubscriber {
            kind: s.kind.as_str().to_owned(),
            full_name: info.common_name.clone(),
            search_key: Some(search_key(&info.common_name)),
            uid: uid.clone(),
            title: info.title.clone(),
            unit_id,
            organization: info.organization.clone(),
            locality: info.locality.clone(),
            province: s.province.clone(),
            email: info.email.clone(),
            phone: s.phone.clone(),
            created_at: now,
            updated_at: now,
        })
        .returning(subscribers::id)
        .get_result(c)?;
    audit::append(
        c,
        AuditEvent {
            actor,
            action: AuditAction::SubscriberAdd,
            object: &format!("subscriber:{id}"),
            details: json!({
                "kind": s.kind.as_str(),
                "name": info.common_name,
                "uid": uid,
                "province": s.province,
            }),
        },
    )?;
    Ok(id)
}

impl Ca {
    /// Registers a subscriber after checking every identifier.
    pub fn add_subscriber(
        &self,
        input: &SubscriberInput,
        actor: &str,
    ) -> Result<Registered, CaError> {
        let mut all = self.add_subscribers(std::slice::from_ref(input), actor)?;
        Ok(all.remove(0))
    }

    /// Registers several subscribers in one transaction, each checked as
    /// [`add_subscriber`](Self::add_subscriber) checks one and audited as
    /// one `subscriber.add` event: all of them, or none when any is
    /// refused.
    pub fn add_subscribers(
        &self,
        inputs: &[SubscriberInput],
        actor: &str,
    ) -> Result<Vec<Registered>, CaError> {
        let checked = inputs
            .iter()
            .map(check_subscriber)
            .collect::<Result<Vec<_>, _>>()?;
        let ids = self
            .store
            .write(|c| add_checked(c, &checked, actor, now()))?;
        Ok(registered(ids, checked))
    }

    /// What a re-imported list does in one transaction: registers the new
    /// subscribers (as [`add_subscribers`](Self::add_subscribers)) and
    /// changes the registered ones (as
    /// [`update_subscriber`](Self::update_subscriber), one
    /// `subscriber.update` event each): all of it, or nothing when any
    /// part is refused. Returns the new subscribers.
    pub fn add_and_update_subscribers(
        &self,
        inputs: &[SubscriberInput],
        updates: &[(i64, SubscriberChanges)],
        actor: &str,
    ) -> Result<Vec<Registered>, CaError> {
        let checked = inputs
            .iter()
            .map(check_subscriber)
            .collect::<Result<Vec<_>, _>>()?;
        let ids = self.store.write(|c| -> Result<Vec<i64>, CaError> {
            let ids = add_checked(c, &checked, actor, now())?;
            for (id, changes) in updates.iter().filter(|(_, ch)| !ch.is_empty()) {
                update_in(c, *id, changes, actor)?;
            }
            Ok(ids)
        })?;
        Ok(registered(ids, checked))
    }

    /// How `checked` differs from the registered subscriber `id`: the
    /// fields a list names (not blank) with another value than the
    /// registry holds, as the changes [`update_subscriber`](Self::update_subscriber)
    /// applies and as (field, old, new) for people to review. The phone
    /// number is not compared: it is no part of the certificate and
    /// `update_subscriber` does not change it.
    pub fn differences(
        &self,
        id: i64,
        checked: &CheckedSubscriber,
    ) -> Result<(SubscriberChanges, Vec<FieldChange>), CaError> {
        let old = self.store.read(|c| {
            let row = load_subscriber(c, id)?;
            let mut info = subject_of(c, &row)?;
            info.province = Some(row.province);
            Ok::<_, CaError>(info.normalized())
        })?;
        let new = &checked.info;
        let mut changes = SubscriberChanges::default();
        let mut list = Vec::new();
        let mut compare = |field: &'static str,
                           old: Option<&String>,
                           new: Option<&String>,
                           slot: &mut Option<String>| {
            if let Some(new) = new.filter(|n| Some(*n) != old) {
                *slot = Some(new.clone());
                list.push(FieldChange {
                    field,
                    old: old.cloned(),
                    new: new.clone(),
                });
            }
        };
        compare(
            "name",
            Some(&old.common_name),
            Some(&new.common_name),
            &mut changes.name,
        );
        compare(
            "title",
            old.title.as_ref(),
            new.title.as_ref(),
            &mut changes.title,
        );
        compare(
            "unit",
            old.organizational_unit.as_ref(),
            new.organizational_unit.as_ref(),
            &mut changes.unit,
        );
        compare(
            "organization",
            old.organization.as_ref(),
            new.organization.as_ref(),
            &mut changes.organization,
        );
        compare(
            "province",
            old.province.as_ref(),
            new.province.as_ref(),
            &mut changes.province,
        );
        compare(
            "email",
            old.email.as_ref(),
            new.email.as_ref(),
            &mut changes.email,
        );
        Ok((changes, list))
    }

    /// Changes a subscriber's registered information (before a
    /// change-of-information certificate).
    pub fn update_subscriber(
        &self,
        id: i64,
        changes: &SubscriberChanges,
        actor: &str,
    ) -> Result<Option<String>, CaError> {
        if changes.is_empty() {
            return Ok(None);
        }
        self.store.write(|c| update_in(c, id, changes, actor))
    }

    /// For each checked subscriber, the identifier and id of the
    /// subscriber of the same kind registered with it already, if any
    /// (individuals and organizations only: devices may share their
    /// organization's MST).
    pub fn registered_subscribers(
        &self,
        checked: &[CheckedSubscriber],
    ) -> Result<Vec<Option<(String, i64)>>, CaError> {
        self.store.read(|c| registered_in(c, checked))
    }

    /// A subscriber.
    pub fn subscriber(&self, id: i64) -> Result<SubscriberRow, CaError> {
        self.store.read(|c| load_subscriber(c, id))
    }
}

/// [`Ca::update_subscriber`] inside the caller's write transaction.
fn update_in(
    c: &mut DbConnection,
    id: i64,
    changes: &SubscriberChanges,
    actor: &str,
) -> Result<Option<String>, CaError> {
    let row = load_subscriber(c, id)?;
    let (info, note) = changes.apply(subject_of(c, &row)?)?;
    let province = info.province.clone().unwrap_or(row.province.clone());
    let unit_id = match &info.organizational_unit {
        Some(unit) => Some(unit_id(c, unit, info.organization.as_deref(), &province)?),
        None => None,
    };
    diesel::update(subscribers::table.find(id))
        .set((
            subscribers::full_name.eq(&info.common_name),
            subscribers::search_key.eq(search_key(&info.common_name)),
            subscribers::title.eq(&info.title),
            subscribers::unit_id.eq(unit_id),
            subscribers::organization.eq(&info.organization),
            subscribers::locality.eq(&info.locality),
            subscribers::province.eq(&province),
            subscribers::email.eq(&info.email),
            subscribers::updated_at.eq(now()),
        ))
        .execute(c)?;
    audit::append(
        c,
        AuditEvent {
            actor,
            action: AuditAction::SubscriberUpdate,
            object: &format!("subscriber:{id}"),
            details: json!({
                "name": info.common_name,
                "title": info.title,
                "unit": info.organizational_unit,
                "organization": info.organization,
                "province": province,
                "email": info.email,
            }),
        },
    )?;
    Ok(note)
}

/// [`Ca::add_subscribers`] inside the caller's write transaction: no
/// identifier twice in `checked` nor registered already.
fn add_checked(
    c: &mut DbConnection,
    checked: &[CheckedSubscriber],
    actor: &str,
    now: chrono::NaiveDateTime,
) -> Result<Vec<i64>, CaError> {
    let mut seen = std::collections::HashSet::new();
    for s in checked {
        if let Some(uid) = s.unique_uid() {
            if !seen.insert((s.kind.as_str(), uid.clone())) {
                return Err(CaError::DuplicateSubscriber {
                    uid,
                    existing: None,
                });
            }
        }
    }
    let existing = registered_in(c, checked)?;
    if let Some((uid, id)) = existing.into_iter().flatten().next() {
        return Err(CaError::DuplicateSubscriber {
            uid,
            existing: Some(id),
        });
    }
    checked
        .iter()
        .map(|s| insert_subscriber(c, s, actor, now))
        .collect()
}

/// The new ids with their province notes.
fn registered(ids: Vec<i64>, checked: Vec<CheckedSubscriber>) -> Vec<Registered> {
    ids.into_iter()
        .zip(checked)
        .map(|(id, s)| Registered {
            id,
            province_note: s.province_note,
        })
        .collect()
}

/// A subscriber row.
pub(crate) fn load_subscriber(c: &mut DbConnection, id: i64) -> Result<SubscriberRow, CaError> {
    subscribers::table
        .find(id)
        .select(SubscriberRow::as_select())
        .first(c)
        .optional()?
        .ok_or(CaError::UnknownSubscriber { id })
}

/// The certificate subject of a subscriber, from the registry.
pub(crate) fn subject_of(c: &mut DbConnection, s: &SubscriberRow) -> Result<SubjectInfo, CaError> {
    let unit: Option<UnitRow> = match s.unit_id {
        Some(id) => Some(
            units::table
                .find(id)
                .select(UnitRow::as_select())
                .first(c)?,
        ),
        None => None,
    };
    subject_with_unit(s, unit.map(|u| u.name))
}

/// The certificate subject of a subscriber whose unit is named `unit`.
pub(crate) fn subject_with_unit(
    s: &SubscriberRow,
    unit: Option<String>,
) -> Result<SubjectInfo, CaError> {
    let uid = s.uid.as_deref().map(NationalId::try_from).transpose()?;
    Ok(SubjectInfo {
        common_name: s.full_name.clone(),
        uid,
        title: s.title.clone(),
        organizational_unit: unit,
        organization: s.organization.clone(),
        locality: s.locality.clone(),
        province: Some(s.province.clone()),
        email: s.email.clone(),
    })
}

/// Checks the identifier a subscriber of this kind must have.
fn identity(input: &SubscriberInput) -> Result<Option<NationalId>, CaError> {
    let national = input
        .national_id
        .as_deref()
        .map(NationalId::try_from)
        .transpose()?;
    let tax = input.tax_code.as_deref().map(parse_tax_code).transpose()?;
    match input.kind {
        SubscriberKind::Individual => {
            if tax.is_some() {
                return Err(CaError::Refused(
                    "tax-code is for organizations; an individual has a national-id (CCCD, CMND or passport)".into(),
                ));
            }
            match national {
                Some(id) if id.kind() == NationalIdKind::TaxCode => Err(CaError::Refused(
                    "national-id: an individual is identified by CCCD:, CMND: or HC:, not MST:"
                        .into(),
                )),
                Some(id) => Ok(Some(id)),
                None => Err(CaError::Refused(
                    "national-id is required for an individual (CCCD:, CMND: or HC:)".into(),
                )),
            }
        }
        SubscriberKind::Organization => match (tax, national) {
            (Some(t), None) => Ok(Some(t)),
            (None, Some(n)) if n.is_tax_code() => Ok(Some(n)),
            (None, _) => Err(CaError::Refused(
                "tax-code (MST:) is required for an organization".into(),
            )),
            (Some(_), Some(_)) => Err(CaError::Refused(
                "give an organization its tax-code only, no national-id".into(),
            )),
        },
        SubscriberKind::Device => Ok(tax.or(national)),
    }
}

/// A tax code, with or without its `MST:` prefix.
fn parse_tax_code(s: &str) -> Result<NationalId, CaError> {
    let trimmed = s.trim();
    let with_prefix = if trimmed.to_ascii_uppercase().starts_with("MST") {
        trimmed.to_owned()
    } else {
        format!("MST:{trimmed}")
    };
    let id = NationalId::try_from(with_prefix.as_str())?;
    if !id.is_tax_code() {
        return Err(CaError::Refused(format!("tax-code {s:?} is not an MST")));
    }
    Ok(id)
}

/// The current province name, and a note when a former one was given.
pub fn current_province(input: &str) -> Result<(String, Option<String>), CaError> {
    let m = resolve_province(input)?;
    let note = m.former_name.map(|former| {
        format!(
            "province {former:?} was merged into {:?} on 1 July 2025; using {:?}",
            m.province.name, m.province.name
        )
    });
    Ok((m.province.name.to_owned(), note))
}

/// Refuses a unit `name` the registry of `province` does not hold (a
/// change of information picks its new unit from the registry; a name
/// typed with one letter different must not become a second unit).
pub(crate) fn expect_unit(
    c: &mut DbConnection,
    name: Option<&str>,
    province: &str,
) -> Result<(), CaError> {
    let Some(name) = name else {
        return Ok(());
    };
    let found: Option<i64> = units::table
        .filter(units::province.eq(province))
        .filter(units::name.eq(name))
        .select(units::id)
        .first(c)
        .optional()?;
    match found {
        Some(_) => Ok(()),
        None => Err(crate::rule::Rule::UnknownUnit.refuse(format!(
            "unit {name:?} is not registered in {province}: pick one of the province's units (GET /api/v1/units)"
        ))),
    }
}

/// The id of a unit, created on first use.
fn unit_id(
    c: &mut DbConnection,
    name: &str,
    parent: Option<&str>,
    province: &str,
) -> Result<i64, CaError> {
    let existing: Option<i64> = units::table
        .filter(units::province.eq(province))
        .filter(units::name.eq(name))
        .select(units::id)
        .first(c)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    Ok(diesel::insert_into(units::table)
        .values(NewUnit {
            name,
            parent_agency: parent,
            province,
            tax_code: None,
            created_at: now(),
        })
        .returning(units::id)
        .get_result(c)?)
}
