//! The registry as the portal shows it: units, subscribers and tokens,
//! limited to the caller's province and registered through the CA core's
//! own checks (CCCD, MST, e-mail, province).

use diesel::prelude::*;
use serde_json::json;

use ca_core::audit::{self, AuditEvent};
use ca_core::registry::{current_province, SubscriberInput};
use ca_core::store::models::{NewUnit, SubscriberRow, TokenRow, UnitRow};
use ca_core::store::schema::{subscribers, tokens, units};
use ca_core::subject::NationalId;
use ca_core::{Ca, CaError};

use crate::accounts::now;
use crate::authz::{self, Action};
use crate::{PortalError, User};

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

/// Checks an electronic agency code (Quyết định 20/2020/QĐ-TTg): four
/// groups separated by dots — three digits (level 4), two digits (level
/// 3), two digits (level 2), and a capital letter with two digits (level
/// 1: the ministry, province, … e.g. `H29`). Returns it in upper case.
pub fn check_agency_code(code: &str) -> Result<String, PortalError> {
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
        return Err(PortalError::invalid(
            "invalid_agency_code",
            format!(
                "{code:?} is not an electronic agency code (Quyết định 20/2020/QĐ-TTg): \
                 999.99.99.X99, e.g. 000.00.31.H29"
            ),
        ));
    }
    Ok(code)
}

/// Refuses a parent unit that does not exist, is of another province, or
/// would close a cycle (the unit `id` among its own ancestors).
fn check_parent(
    c: &mut ca_core::store::DbConnection,
    id: Option<i64>,
    parent_id: i64,
    province: &str,
) -> Result<(), PortalError> {
    let parent: Option<(String, Option<i64>)> = units::table
        .find(parent_id)
        .select((units::province, units::parent_id))
        .first(c)
        .optional()?;
    let Some((parent_province, mut up)) = parent else {
        return Err(PortalError::invalid(
            "invalid_parent",
            format!("no unit {parent_id} to be the parent"),
        ));
    };
    if parent_province != province {
        return Err(PortalError::invalid(
            "invalid_parent",
            format!("the parent unit {parent_id} is of {parent_province}, not {province}"),
        ));
    }
    let mut seen = vec![parent_id];
    if id == Some(parent_id) {
        return Err(PortalError::invalid(
            "invalid_parent",
            "a unit cannot be its own parent",
        ));
    }
    while let Some(next) = up {
        if Some(next) == id || seen.contains(&next) {
            return Err(PortalError::invalid(
                "invalid_parent",
                format!("unit {parent_id} as the parent would make a cycle"),
            ));
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

/// A subscriber to register (the CA core's [`SubscriberInput`] as JSON).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriberJson {
    /// individual, organization or device.
    pub kind: String,
    /// Full name or organization name.
    pub name: String,
    /// `CCCD:…`, `CMND:…`, `HC:…` (individuals).
    #[serde(default)]
    pub national_id: Option<String>,
    /// `MST:…` (organizations).
    #[serde(default)]
    pub tax_code: Option<String>,
    /// Position.
    #[serde(default)]
    pub title: Option<String>,
    /// The unit (OU).
    #[serde(default)]
    pub unit: Option<String>,
    /// The parent agency (O).
    #[serde(default)]
    pub organization: Option<String>,
    /// Locality (L).
    #[serde(default)]
    pub locality: Option<String>,
    /// Province (current or former name).
    pub province: String,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
}

/// A token to register.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// The device's serial.
    pub serial: String,
    /// Who holds it.
    pub subscriber_id: i64,
    /// The device model.
    #[serde(default)]
    pub model: Option<String>,
}

/// Registers a unit in a province the user may register in.
pub fn add_unit(ca: &Ca, user: &User, input: &UnitInput) -> Result<serde_json::Value, PortalError> {
    let (province, note) = current_province(&input.province)?;
    authz::authorize(user, Action::Register, &province)?;
    let name = clean(&input.name);
    if name.is_empty() || name.chars().count() > 200 {
        return Err(PortalError::invalid(
            "invalid_name",
            "the unit name must have 1-200 characters",
        ));
    }
    let parent = input
        .parent_agency
        .as_deref()
        .map(clean)
        .filter(|p| !p.is_empty());
    let tax_code = match input
        .tax_code
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) => {
            let text = if t.to_ascii_uppercase().starts_with("MST") {
                t.to_owned()
            } else {
                format!("MST:{t}")
            };
            let id = NationalId::try_from(text.as_str()).map_err(CaError::from)?;
            if !id.is_tax_code() {
                return Err(PortalError::invalid(
                    "invalid_identity",
                    format!("{t:?} is not a tax code (MST)"),
                ));
            }
            Some(id.to_string())
        }
        None => None,
    };
    let agency_code = input
        .agency_code
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(check_agency_code)
        .transpose()?;
    let id = ca.store().write(|c| -> Result<i64, PortalError> {
        if let Some(parent) = input.parent_id {
            check_parent(c, None, parent, &province)?;
        }
        if let Some(code) = &agency_code {
            let holder: Option<i64> = units::table
                .filter(units::agency_code.eq(code))
                .select(units::id)
                .first(c)
                .optional()?;
            if let Some(other) = holder {
                return Err(PortalError::conflict(
                    "duplicate_agency_code",
                    format!("unit {other} has the electronic agency code {code} already"),
                ));
            }
        }
        let taken: i64 = units::table
            .filter(units::province.eq(&province))
            .filter(units::name.eq(&name))
            .count()
            .get_result(c)?;
        if taken > 0 {
            return Err(PortalError::conflict(
                "duplicate_unit",
                format!("{province} has a unit named {name:?} already"),
            ));
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
                actor: &user.actor(),
                action: "unit.add",
                object: &format!("unit:{id}"),
                details: json!({
                    "name": name, "province": province, "tax_code": tax_code,
                    "parent_id": input.parent_id, "agency_code": agency_code,
                }),
            },
        )?;
        Ok(id)
    })?;
    Ok(json!({
        "id": id, "name": name, "parent_agency": parent, "province": province,
        "tax_code": tax_code, "parent_id": input.parent_id, "agency_code": agency_code,
        "province_note": note,
    }))
}

/// Changes to a unit's place in the hierarchy and its agency code
/// (`PATCH /api/v1/units/{id}`): an absent field is left as it is, `null`
/// clears it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitChanges {
    /// The new parent unit (same province, no cycle), or `null`.
    #[serde(default, deserialize_with = "present")]
    pub parent_id: Option<serde_json::Value>,
    /// The new electronic agency code, or `null`.
    #[serde(default, deserialize_with = "present")]
    pub agency_code: Option<serde_json::Value>,
}

/// A field that is present, `null` included (`Some(Value::Null)`); an
/// absent one stays `None` through `default`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    <serde_json::Value as serde::Deserialize>::deserialize(d).map(Some)
}

/// Changes a unit's parent or agency code, in a province the user may
/// register in; refuses a parent of another province or one that would
/// make the unit its own ancestor.
pub fn update_unit(
    ca: &Ca,
    user: &User,
    id: i64,
    changes: &UnitChanges,
) -> Result<serde_json::Value, PortalError> {
    let parent: Option<Option<i64>> = match &changes.parent_id {
        None => None,
        Some(serde_json::Value::Null) => Some(None),
        Some(v) => Some(Some(v.as_i64().ok_or_else(|| {
            PortalError::invalid(
                "invalid_parent",
                "parent_id is a unit id (a number) or null",
            )
        })?)),
    };
    let code: Option<Option<String>> = match &changes.agency_code {
        None => None,
        Some(serde_json::Value::Null) => Some(None),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Some(None),
        Some(serde_json::Value::String(s)) => Some(Some(check_agency_code(s)?)),
        Some(_) => {
            return Err(PortalError::invalid(
                "invalid_agency_code",
                "agency_code is a string or null",
            ))
        }
    };
    let row = ca.store().write(|c| -> Result<UnitRow, PortalError> {
        let row: UnitRow = units::table
            .find(id)
            .select(UnitRow::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| PortalError::NotFound(format!("no unit {id}")))?;
        authz::authorize(user, Action::Register, &row.province)?;
        if let Some(Some(p)) = parent {
            check_parent(c, Some(id), p, &row.province)?;
        }
        if let Some(Some(code)) = &code {
            let holder: Option<i64> = units::table
                .filter(units::agency_code.eq(code))
                .filter(units::id.ne(id))
                .select(units::id)
                .first(c)
                .optional()?;
            if let Some(other) = holder {
                return Err(PortalError::conflict(
                    "duplicate_agency_code",
                    format!("unit {other} has the electronic agency code {code} already"),
                ));
            }
        }
        let parent_id = parent.unwrap_or(row.parent_id);
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
                actor: &user.actor(),
                action: "unit.update",
                object: &format!("unit:{id}"),
                details: json!({ "parent_id": parent_id, "agency_code": agency_code }),
            },
        )?;
        Ok(units::table
            .find(id)
            .select(UnitRow::as_select())
            .first(c)?)
    })?;
    Ok(unit_json(&row))
}

/// Units in the user's scope.
pub fn units(ca: &Ca, user: &User) -> Result<Vec<serde_json::Value>, PortalError> {
    let rows: Vec<UnitRow> = ca.store().read(|c| -> Result<_, PortalError> {
        let mut q = units::table
            .select(UnitRow::as_select())
            .order(units::id.asc())
            .into_boxed();
        if let Some(p) = authz::scope(user) {
            q = q.filter(units::province.eq(p.to_owned()));
        }
        Ok(q.limit(5000).load(c)?)
    })?;
    Ok(rows.iter().map(unit_json).collect())
}

/// Registers a subscriber in a province the user may register in.
pub fn add_subscriber(
    ca: &Ca,
    user: &User,
    input: &SubscriberJson,
) -> Result<serde_json::Value, PortalError> {
    let (province, _) = current_province(&input.province)?;
    authz::authorize(user, Action::Register, &province)?;
    let registered = ca.add_subscriber(
        &SubscriberInput {
            kind: input.kind.parse()?,
            name: input.name.clone(),
            national_id: input.national_id.clone(),
            tax_code: input.tax_code.clone(),
            title: input.title.clone(),
            unit: input.unit.clone(),
            organization: input.organization.clone(),
            locality: input.locality.clone(),
            province: input.province.clone(),
            email: input.email.clone(),
            phone: input.phone.clone(),
        },
        &user.actor(),
    )?;
    let mut v = subscriber(ca, user, registered.id)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("province_note".into(), json!(registered.province_note));
    }
    Ok(v)
}

/// One subscriber, with their tokens and certificates.
pub fn subscriber(ca: &Ca, user: &User, id: i64) -> Result<serde_json::Value, PortalError> {
    let row = ca.subscriber(id)?;
    authz::authorize(user, Action::Read, &row.province)?;
    let toks: Vec<TokenRow> = ca.store().read(|c| -> Result<_, PortalError> {
        Ok(tokens::table
            .filter(tokens::subscriber_id.eq(id))
            .select(TokenRow::as_select())
            .load(c)?)
    })?;
    let certs = ca.certificates_of(id)?;
    let mut v = subscriber_json(&row);
    if let Some(o) = v.as_object_mut() {
        o.insert("tokens".into(), toks.iter().map(token_json).collect());
        o.insert(
            "certificates".into(),
            certs
                .iter()
                .map(|c| {
                    json!({
                        "serial": c.serial, "issuer": c.issuer, "status": c.status,
                        "subject": c.subject, "not_after": c.not_after,
                    })
                })
                .collect(),
        );
    }
    Ok(v)
}

/// Subscribers in the user's scope.
pub fn subscribers(ca: &Ca, user: &User) -> Result<Vec<serde_json::Value>, PortalError> {
    search_subscribers(ca, user, None)
}

/// Subscribers in the user's scope whose name contains `query`, or whose
/// identifier (CCCD, CMND, passport, MST) does, with or without its
/// prefix.
pub fn search_subscribers(
    ca: &Ca,
    user: &User,
    query: Option<&str>,
) -> Result<Vec<serde_json::Value>, PortalError> {
    let query = query.map(clean).filter(|q| !q.is_empty());
    let rows: Vec<SubscriberRow> = ca.store().read(|c| -> Result<_, PortalError> {
        let mut q = subscribers::table
            .select(SubscriberRow::as_select())
            .order(subscribers::id.asc())
            .into_boxed();
        if let Some(p) = authz::scope(user) {
            q = q.filter(subscribers::province.eq(p.to_owned()));
        }
        if let Some(text) = &query {
            let pattern = format!("%{}%", like_escape(text));
            q = q.filter(
                subscribers::full_name
                    .like(pattern.clone())
                    .escape('\\')
                    .or(subscribers::uid.like(pattern).escape('\\')),
            );
        }
        Ok(q.limit(5000).load(c)?)
    })?;
    Ok(rows.iter().map(subscriber_json).collect())
}

/// Registers a token held by a subscriber the user may register for.
pub fn add_token(
    ca: &Ca,
    user: &User,
    input: &TokenInput,
) -> Result<serde_json::Value, PortalError> {
    let holder = ca.subscriber(input.subscriber_id)?;
    authz::authorize(user, Action::Register, &holder.province)?;
    let id = ca.add_token(
        &input.serial,
        input.subscriber_id,
        input
            .model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty()),
        &user.actor(),
    )?;
    let row: TokenRow = ca.store().read(|c| -> Result<_, PortalError> {
        Ok(tokens::table
            .find(id)
            .select(TokenRow::as_select())
            .first(c)?)
    })?;
    Ok(token_json(&row))
}

/// Tokens in the user's scope.
pub fn tokens(ca: &Ca, user: &User) -> Result<Vec<serde_json::Value>, PortalError> {
    let rows: Vec<(TokenRow, String)> = ca.store().read(|c| -> Result<_, PortalError> {
        let mut q = tokens::table
            .inner_join(subscribers::table)
            .select((TokenRow::as_select(), subscribers::province))
            .order(tokens::id.asc())
            .into_boxed();
        if let Some(p) = authz::scope(user) {
            q = q.filter(subscribers::province.eq(p.to_owned()));
        }
        Ok(q.limit(5000).load(c)?)
    })?;
    Ok(rows
        .iter()
        .map(|(t, province)| {
            let mut v = token_json(t);
            if let Some(o) = v.as_object_mut() {
                o.insert("province".into(), json!(province));
            }
            v
        })
        .collect())
}

fn unit_json(u: &UnitRow) -> serde_json::Value {
    json!({
        "id": u.id, "name": u.name, "parent_agency": u.parent_agency,
        "province": u.province, "tax_code": u.tax_code,
        "parent_id": u.parent_id, "agency_code": u.agency_code,
    })
}

fn subscriber_json(s: &SubscriberRow) -> serde_json::Value {
    json!({
        "id": s.id, "kind": s.kind, "name": s.full_name, "uid": s.uid, "title": s.title,
        "unit_id": s.unit_id, "organization": s.organization, "locality": s.locality,
        "province": s.province, "email": s.email, "phone": s.phone,
    })
}

fn token_json(t: &TokenRow) -> serde_json::Value {
    json!({
        "id": t.id, "serial": t.serial, "model": t.model,
        "subscriber_id": t.subscriber_id, "status": t.status,
    })
}

/// `text` with the LIKE wildcards escaped (escape character `\`).
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn clean(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}
