//! Units (agencies, departments: the OU of certificates): registering one,
//! placing it in its province's hierarchy, and the unit changes a province
//! makes when agencies are renamed or merged. Every write here is one
//! audit event in the caller's transaction; names are checked as they
//! enter, with the rules the certificates they end up in apply.

use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, AuditAction, AuditEvent};
use crate::lifecycle::now;
use crate::rule::Rule;
use crate::status::CertStatus;
use crate::store::models::{NewUnit, SubscriberRow, UnitRow};
use crate::store::schema::{certificates, subscribers, units};
use crate::store::DbConnection;
use crate::subject::{check_named, NameKind, NationalId, UB_ORGANIZATION_NAME};
use crate::{Ca, CaError};

use super::{current_province, subject_with_unit};

/// Longest unit name: a unit's name is the OU of its subscribers'
/// certificates (ub-organizational-unit-name).
pub const MAX_UNIT_NAME: usize = crate::subject::UB_ORGANIZATIONAL_UNIT_NAME;

/// A unit (agency) to register.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    /// Its name, e.g. "Sở Tài chính".
    pub name: String,
    /// The parent agency, e.g. "UBND thành phố Cần Thơ".
    #[serde(default)]
    pub parent_agency: Option<String>,
    /// The province (current or former name).
    pub province: String,
    /// Its tax code (MST), with or without the `MST:` prefix.
    #[serde(default)]
    pub tax_code: Option<String>,
    /// The parent unit (a unit of the same province).
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// The electronic agency code (mã định danh điện tử của cơ quan,
    /// Quyết định 20/2020/QĐ-TTg), e.g. `000.00.31.H29`; unique.
    #[serde(default)]
    pub agency_code: Option<String>,
}

/// A unit registered by [`Ca::add_unit`].
#[derive(Debug, Clone)]
pub struct AddedUnit {
    /// The unit as stored.
    pub unit: UnitRow,
    /// Set when a former province name was mapped to its current one.
    pub province_note: Option<String>,
}

/// Changes to a unit's place in the hierarchy: `None` leaves a field as
/// it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct UnitUpdate {
    /// The new parent unit (same province, no cycle).
    pub parent_id: Option<Option<i64>>,
    /// The new electronic agency code.
    pub agency_code: Option<Option<String>>,
}

/// A unit renamed (`unit_name`) or merged into another unit of its
/// province (`merge_into`): exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitChange {
    /// The unit renamed, or merged away.
    pub unit_id: i64,
    /// Its new name (a rename).
    pub unit_name: Option<String>,
    /// The unit it merges into (a merger).
    pub merge_into: Option<i64>,
}

/// What a unit change does (stored by the portal's bulk jobs as text).
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
pub enum UnitAction {
    /// The unit gets a new name.
    Rename,
    /// The unit's subscribers move to another unit of the province.
    Merge,
}

impl UnitAction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rename => "rename",
            Self::Merge => "merge",
        }
    }
}

crate::text_enum!(UnitAction);

impl std::str::FromStr for UnitAction {
    type Err = CaError;

    fn from_str(s: &str) -> Result<Self, CaError> {
        match s {
            "rename" => Ok(Self::Rename),
            "merge" => Ok(Self::Merge),
            other => Err(CaError::Refused(format!("unknown unit change {other:?}"))),
        }
    }
}

/// A unit change that passed every check.
#[derive(Debug, Clone)]
pub struct UnitChangePlan {
    /// The unit renamed, or merged away.
    pub unit: UnitRow,
    /// Rename or merge.
    pub action: UnitAction,
    /// The unit the subscribers belong to afterwards.
    pub target: UnitRow,
    /// The name the new certificates carry.
    pub name: String,
}

/// The certificates a unit change replaces.
#[derive(Debug, Clone, Default)]
pub struct UnitCertificates {
    /// The good certificates of the unit's subscribers, by id.
    pub good: Vec<i64>,
    /// How many of its certificates are suspended (left as they are).
    pub suspended: i64,
}

impl Ca {
    /// Registers a unit; the caller has authorized its province
    /// ([`current_province`] of `input.province`).
    pub fn add_unit(&self, input: &UnitInput, actor: &str) -> Result<AddedUnit, CaError> {
        let (province, province_note) = current_province(&input.province)?;
        let name = unit_name(&input.name, Rule::InvalidName)?;
        // The parent agency goes into no certificate, but is shown and
        // exported with the names: the same character rules, O's bound.
        let parent = input
            .parent_agency
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|p| check_named("parent_agency", p, UB_ORGANIZATION_NAME))
            .transpose()?;
        let tax_code = input
            .tax_code
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(tax_code)
            .transpose()?;
        let agency_code = input
            .agency_code
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(check_agency_code)
            .transpose()?;
        let unit = self.store.write(|c| -> Result<UnitRow, CaError> {
            if let Some(parent) = input.parent_id {
                check_parent(c, None, parent, &province)?;
            }
            if let Some(code) = &agency_code {
                check_agency_code_free(c, code, None)?;
            }
            let taken: i64 = units::table
                .filter(units::province.eq(&province))
                .filter(units::name.eq(&name))
                .count()
                .get_result(c)?;
            if taken > 0 {
                return Err(Rule::DuplicateUnit
                    .refuse(format!("{province} has a unit named {name:?} already")));
            }
            let id: i64 = diesel::insert_into(units::table)
                .values((
                    NewUnit {
                        name: &name,
                        parent_agency: parent.as_deref(),
                        province: &province,
                        tax_code: tax_code.as_deref(),
                        created_at: now(),
                    },
                    units::parent_id.eq(input.parent_id),
                    units::agency_code.eq(&agency_code),
                ))
                .returning(units::id)
                .get_result(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::UnitAdd,
                    object: &format!("unit:{id}"),
                    details: json!({
                        "name": name, "province": province, "tax_code": tax_code,
                        "parent_id": input.parent_id, "agency_code": agency_code,
                    }),
                },
            )?;
            load_unit(c, id)
        })?;
        Ok(AddedUnit {
            unit,
            province_note,
        })
    }

    /// Changes a unit's parent or agency code; refuses a parent of another
    /// province or one that would make the unit its own ancestor. The
    /// caller has authorized the unit's province ([`Ca::unit`]).
    pub fn update_unit(
        &self,
        id: i64,
        update: &UnitUpdate,
        actor: &str,
    ) -> Result<UnitRow, CaError> {
        let code = match &update.agency_code {
            Some(Some(code)) => Some(Some(check_agency_code(code)?)),
            other => other.clone(),
        };
        self.store.write(|c| -> Result<UnitRow, CaError> {
            let row = load_unit(c, id)?;
            if let Some(Some(p)) = update.parent_id {
                check_parent(c, Some(id), p, &row.province)?;
            }
            if let Some(Some(code)) = &code {
                check_agency_code_free(c, code, Some(id))?;
            }
            let parent_id = update.parent_id.unwrap_or(row.parent_id);
            let agency_code = code.clone().unwrap_or(row.agency_code.clone());
            diesel::update(units::table.find(id))
                .set((
                    units::parent_id.eq(parent_id),
                    units::agency_code.eq(&agency_code),
                ))
                .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::UnitUpdate,
                    object: &format!("unit:{id}"),
                    details: json!({ "parent_id": parent_id, "agency_code": agency_code }),
                },
            )?;
            load_unit(c, id)
        })
    }

    /// A unit.
    pub fn unit(&self, id: i64) -> Result<UnitRow, CaError> {
        self.store.read(|c| load_unit(c, id))
    }

    /// The units of a province (all of them with `None`), by id, at most
    /// `limit`.
    pub fn units(&self, province: Option<&str>, limit: i64) -> Result<Vec<UnitRow>, CaError> {
        self.store.read(|c| -> Result<Vec<UnitRow>, CaError> {
            let mut q = units::table
                .select(UnitRow::as_select())
                .order(units::id.asc())
                .into_boxed();
            if let Some(p) = province {
                q = q.filter(units::province.eq(p.to_owned()));
            }
            Ok(q.limit(limit).load(c)?)
        })
    }

    /// Checks a unit change without changing anything (the dry run of
    /// [`plan_unit_change`]).
    pub fn check_unit_change(&self, change: &UnitChange) -> Result<UnitChangePlan, CaError> {
        self.store.read(|c| plan_unit_change(c, change))
    }
}

/// Checks a unit change inside the caller's transaction: the unit exists,
/// exactly one of rename and merger is asked, the new name is valid and
/// free in the province, the unit merged into is another unit of the same
/// province, and every subscriber of the unit can still be certified
/// under the name the change gives it.
pub fn plan_unit_change(
    c: &mut DbConnection,
    change: &UnitChange,
) -> Result<UnitChangePlan, CaError> {
    let plan = plan_unit_change_names(c, change)?;
    check_issuable_after(c, &plan)?;
    Ok(plan)
}

/// Refuses a unit change after which a subscriber of the unit could not be
/// certified: each one's subject, with the unit name the change gives it,
/// must pass the profile's rules (a merger into a unit whose name was
/// registered before the name rules, a subscriber whose other names
/// were).
fn check_issuable_after(c: &mut DbConnection, plan: &UnitChangePlan) -> Result<(), CaError> {
    let members: Vec<SubscriberRow> = subscribers::table
        .filter(subscribers::unit_id.eq(plan.unit.id))
        .select(SubscriberRow::as_select())
        .order(subscribers::id.asc())
        .load(c)?;
    for s in &members {
        let name = subject_with_unit(s, Some(plan.name.clone()))
            .and_then(|subject| subject.to_name().map_err(CaError::from));
        match name {
            Ok(_) => {}
            Err(CaError::Subject(e)) => {
                return Err(Rule::UnissuableSubject.refuse(format!(
                    "subscriber {} could not be certified in the unit named {:?} any more: {e}",
                    s.id, plan.name
                )))
            }
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

/// [`plan_unit_change`] without the subscribers' check.
fn plan_unit_change_names(
    c: &mut DbConnection,
    change: &UnitChange,
) -> Result<UnitChangePlan, CaError> {
    let unit = load_unit(c, change.unit_id)?;
    match (&change.unit_name, change.merge_into) {
        (Some(_), Some(_)) | (None, None) => Err(Rule::InvalidUnitChange
            .refuse("give either unit_name (a rename) or merge_into (a merger), not both")),
        (Some(name), None) => {
            let name = unit_name(name, Rule::InvalidUnitName)?;
            let taken: i64 = units::table
                .filter(units::province.eq(&unit.province))
                .filter(units::name.eq(&name))
                .count()
                .get_result(c)?;
            if taken > 0 {
                return Err(Rule::UnitNameTaken.refuse(format!(
                    "{} has a unit named {name:?} already",
                    unit.province
                )));
            }
            Ok(UnitChangePlan {
                target: unit.clone(),
                unit,
                action: UnitAction::Rename,
                name,
            })
        }
        (None, Some(into)) => {
            if into == unit.id {
                return Err(Rule::SelfMerge.refuse("a unit cannot be merged into itself"));
            }
            let target = load_unit(c, into)?;
            if target.province != unit.province {
                return Err(Rule::OtherProvince.refuse(format!(
                    "unit {} is in {}, not in {}: a unit merges into a unit of its own province",
                    target.id, target.province, unit.province
                )));
            }
            Ok(UnitChangePlan {
                name: target.name.clone(),
                target,
                unit,
                action: UnitAction::Merge,
            })
        }
    }
}

/// The certificates of the subscribers of a unit that a unit change
/// replaces (good ones) and leaves alone (suspended ones); read inside
/// the caller's transaction, before a merger moves the subscribers.
pub fn unit_certificates(c: &mut DbConnection, unit_id: i64) -> Result<UnitCertificates, CaError> {
    let of_unit = subscribers::table
        .filter(subscribers::unit_id.eq(unit_id))
        .select(subscribers::id.nullable());
    let good: Vec<i64> = certificates::table
        .filter(certificates::subscriber_id.eq_any(of_unit))
        .filter(certificates::status.eq(CertStatus::Good.as_str()))
        .select(certificates::id)
        .order(certificates::id.asc())
        .load(c)?;
    let of_unit = subscribers::table
        .filter(subscribers::unit_id.eq(unit_id))
        .select(subscribers::id.nullable());
    let suspended: i64 = certificates::table
        .filter(certificates::subscriber_id.eq_any(of_unit))
        .filter(certificates::status.eq(CertStatus::Suspended.as_str()))
        .count()
        .get_result(c)?;
    Ok(UnitCertificates { good, suspended })
}

/// Carries out a checked unit change inside the caller's transaction: the
/// unit renamed (`unit.rename`) or its subscribers moved to the target
/// (`unit.merge`), one audit event naming `request`. Returns how many
/// subscribers moved.
pub fn apply_unit_change(
    c: &mut DbConnection,
    plan: &UnitChangePlan,
    actor: &str,
    request: i64,
) -> Result<usize, CaError> {
    match plan.action {
        UnitAction::Rename => {
            diesel::update(units::table.find(plan.unit.id))
                .set(units::name.eq(&plan.name))
                .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::UnitRename,
                    object: &format!("unit:{}", plan.unit.id),
                    details: json!({ "from": plan.unit.name, "to": plan.name, "request": request }),
                },
            )?;
            Ok(0)
        }
        UnitAction::Merge => {
            let moved =
                diesel::update(subscribers::table.filter(subscribers::unit_id.eq(plan.unit.id)))
                    .set((
                        subscribers::unit_id.eq(plan.target.id),
                        subscribers::updated_at.eq(now()),
                    ))
                    .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::UnitMerge,
                    object: &format!("unit:{}", plan.unit.id),
                    details: json!({
                        "into": plan.target.id,
                        "name": plan.target.name,
                        "subscribers": moved,
                        "request": request,
                    }),
                },
            )?;
            Ok(moved)
        }
    }
}

/// Checks an electronic agency code (Quyết định 20/2020/QĐ-TTg): four
/// groups separated by dots — three digits (level 4), two digits (level
/// 3), two digits (level 2), and a capital letter with two digits (level
/// 1: the ministry, province, … e.g. `H29`). Returns it in upper case.
pub fn check_agency_code(code: &str) -> Result<String, CaError> {
    let code = code.trim().to_ascii_uppercase();
    let groups: Vec<&str> = code.split('.').collect();
    let digits = |g: &str, n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_digit());
    let ok = groups.len() == 4
        && digits(groups[0], 3)
        && digits(groups[1], 2)
        && digits(groups[2], 2)
        && groups[3].len() == 3
        && groups[3].as_bytes()[0].is_ascii_uppercase()
        && digits(&groups[3][1..], 2);
    if !ok {
        return Err(Rule::InvalidAgencyCode.refuse(format!(
            "{code:?} is not an electronic agency code (Quyết định 20/2020/QĐ-TTg): \
             999.99.99.X99, e.g. 000.00.31.H29"
        )));
    }
    Ok(code)
}

/// A unit row.
pub(crate) fn load_unit(c: &mut DbConnection, id: i64) -> Result<UnitRow, CaError> {
    units::table
        .find(id)
        .select(UnitRow::as_select())
        .first(c)
        .optional()?
        .ok_or(CaError::UnknownUnit { id })
}

/// A unit name as its certificates' OU carries it (NFC, single spaces,
/// 1 to [`MAX_UNIT_NAME`] characters, no control, format or bidirectional
/// character: [`NameKind::OrganizationalUnit`]); `rule` refuses it
/// otherwise.
fn unit_name(name: &str, rule: Rule) -> Result<String, CaError> {
    NameKind::OrganizationalUnit.check(name).map_err(|e| {
        rule.refuse(format!(
            "the unit name must be 1-{MAX_UNIT_NAME} characters of visible text, \
             as the OU of its certificates: {e}"
        ))
    })
}

/// A unit's tax code, with or without its `MST:` prefix, normalised.
fn tax_code(t: &str) -> Result<String, CaError> {
    let text = if t.to_ascii_uppercase().starts_with("MST") {
        t.to_owned()
    } else {
        format!("MST:{t}")
    };
    let id = NationalId::try_from(text.as_str())?;
    if !id.is_tax_code() {
        return Err(Rule::InvalidIdentity.refuse(format!("{t:?} is not a tax code (MST)")));
    }
    Ok(id.to_string())
}

/// Refuses an agency code another unit (than `except`) holds.
fn check_agency_code_free(
    c: &mut DbConnection,
    code: &str,
    except: Option<i64>,
) -> Result<(), CaError> {
    let mut q = units::table
        .filter(units::agency_code.eq(code))
        .select(units::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(units::id.ne(id));
    }
    let holder: Option<i64> = q.first(c).optional()?;
    match holder {
        Some(other) => Err(Rule::DuplicateAgencyCode.refuse(format!(
            "unit {other} has the electronic agency code {code} already"
        ))),
        None => Ok(()),
    }
}

/// Refuses a parent unit that does not exist, is of another province, or
/// would close a cycle (the unit `id` among its own ancestors).
fn check_parent(
    c: &mut DbConnection,
    id: Option<i64>,
    parent_id: i64,
    province: &str,
) -> Result<(), CaError> {
    let parent: Option<(String, Option<i64>)> = units::table
        .find(parent_id)
        .select((units::province, units::parent_id))
        .first(c)
        .optional()?;
    let Some((parent_province, mut up)) = parent else {
        return Err(Rule::InvalidParent.refuse(format!("no unit {parent_id} to be the parent")));
    };
    if parent_province != province {
        return Err(Rule::InvalidParent.refuse(format!(
            "the parent unit {parent_id} is of {parent_province}, not {province}"
        )));
    }
    if id == Some(parent_id) {
        return Err(Rule::InvalidParent.refuse("a unit cannot be its own parent"));
    }
    let mut seen = vec![parent_id];
    while let Some(next) = up {
        if Some(next) == id || seen.contains(&next) {
            return Err(Rule::InvalidParent
                .refuse(format!("unit {parent_id} as the parent would make a cycle")));
        }
        seen.push(next);
        up = units::table
            .find(next)
            .select(units::parent_id)
            .first::<Option<i64>>(c)
            .optional()?
            .flatten();
    }
    Ok(())
}
