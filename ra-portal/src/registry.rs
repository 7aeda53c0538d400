//! The registry as the portal shows it: units, subscribers and tokens,
//! limited to the caller's province and registered through the CA core's
//! own checks (CCCD, MST, e-mail, province).

use serde_json::json;

pub use ca_core::registry::UnitInput;
use ca_core::registry::{current_province, SubscriberInput, SubscriberSearch, UnitUpdate};
use ca_core::store::models::{SubscriberRow, TokenRow, UnitRow};
use ca_core::views::lists::{
    self as view, Direction, SubscriberFilter, SubscriberOrder, TokenFilter, TokenOrder, UnitOrder,
};
use ca_core::{Ca, CaError};

use crate::authz::{self, Action};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::listing::{ListQuery, ListSpec, PageInfo};
use crate::user::User;

/// `GET /subscribers`: the filters and the sortable columns.
pub const SUBSCRIBER_LIST: ListSpec = ListSpec {
    filters: &["q", "kind", "unit_id", "province"],
    sorts: &["id", "name", "kind", "uid", "title", "province"],
    default_dir: Direction::Asc,
};

/// `GET /units`: the filters and the sortable columns.
pub const UNIT_LIST: ListSpec = ListSpec {
    filters: &["province"],
    sorts: &["id", "name", "province", "agency_code"],
    default_dir: Direction::Asc,
};

/// `GET /tokens`: the filters and the sortable columns.
pub const TOKEN_LIST: ListSpec = ListSpec {
    filters: &["q", "status", "subscriber_id"],
    sorts: &["id", "serial", "status", "holder"],
    default_dir: Direction::Asc,
};

/// The most rows a list returns.
const LIST_LIMIT: i64 = 5000;

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
    let (province, _) = current_province(&input.province)?;
    authz::authorize(user, Action::Register, &province)?;
    let added = ca.add_unit(input, &user.actor())?;
    let mut v = unit_json(&added.unit);
    if let Some(o) = v.as_object_mut() {
        o.insert("province_note".into(), json!(added.province_note));
    }
    Ok(v)
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

impl UnitChanges {
    /// The CA core's form, once the JSON types are checked.
    fn to_update(&self) -> Result<UnitUpdate, PortalError> {
        let parent_id = match &self.parent_id {
            None => None,
            Some(serde_json::Value::Null) => Some(None),
            Some(v) => Some(Some(v.as_i64().ok_or_else(|| {
                PortalError::invalid(
                    ErrorCode::Rule(ca_core::rule::Rule::InvalidParent),
                    "parent_id is a unit id (a number) or null",
                )
            })?)),
        };
        let agency_code = match &self.agency_code {
            None => None,
            Some(serde_json::Value::Null) => Some(None),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Some(None),
            Some(serde_json::Value::String(s)) => Some(Some(s.clone())),
            Some(_) => {
                return Err(PortalError::invalid(
                    ErrorCode::Rule(ca_core::rule::Rule::InvalidAgencyCode),
                    "agency_code is a string or null",
                ))
            }
        };
        Ok(UnitUpdate {
            parent_id,
            agency_code,
        })
    }
}

/// A field that is present, `null` included (`Some(Value::Null)`); an
/// absent one stays `None` through `default`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    <serde_json::Value as serde::Deserialize>::deserialize(d).map(Some)
}

/// Changes a unit's parent or agency code, in a province the user may
/// register in.
pub fn update_unit(
    ca: &Ca,
    user: &User,
    id: i64,
    changes: &UnitChanges,
) -> Result<serde_json::Value, PortalError> {
    let update = changes.to_update()?;
    let unit = ca.unit(id)?;
    authz::authorize_object(user, Action::Register, &unit.province, || {
        CaError::UnknownUnit { id }.into()
    })?;
    Ok(unit_json(&ca.update_unit(id, &update, &user.actor())?))
}

/// A refusal of the CA as `user` may see it: a duplicate identifier held
/// by a subscriber of another province names neither that subscriber nor
/// its province (only that the identifier is registered already).
pub(crate) fn in_scope(ca: &Ca, user: &User, e: CaError) -> PortalError {
    match e {
        CaError::DuplicateSubscriber {
            uid,
            existing: Some(id),
        } if !ca
            .subscriber(id)
            .is_ok_and(|s| authz::sees(user, &s.province)) =>
        {
            PortalError::conflict(
                ErrorCode::DuplicateSubscriber,
                format!("{uid} is registered already"),
            )
        }
        other => other.into(),
    }
}

/// Units in the user's scope.
pub fn units(ca: &Ca, user: &User) -> Result<Vec<serde_json::Value>, PortalError> {
    let rows = ca.units(authz::scope(user), LIST_LIMIT)?;
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
    let registered = ca
        .add_subscriber(
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
        )
        .map_err(|e| in_scope(ca, user, e))?;
    let mut v = subscriber(ca, user, registered.id)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("province_note".into(), json!(registered.province_note));
    }
    Ok(v)
}

/// One subscriber, with their tokens and certificates.
pub fn subscriber(ca: &Ca, user: &User, id: i64) -> Result<serde_json::Value, PortalError> {
    let row = ca.subscriber(id)?;
    authz::authorize_object(user, Action::Read, &row.province, || {
        CaError::UnknownSubscriber { id }.into()
    })?;
    let toks = ca.tokens_of(id)?;
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
    let rows = ca.search_subscribers(&SubscriberSearch {
        province: authz::scope(user),
        text: query.as_deref(),
        limit: LIST_LIMIT,
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
    authz::authorize_object(user, Action::Register, &holder.province, || {
        CaError::UnknownSubscriber {
            id: input.subscriber_id,
        }
        .into()
    })?;
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
    Ok(token_json(&ca.token_by_id(id)?))
}

/// Tokens in the user's scope.
pub fn tokens(ca: &Ca, user: &User) -> Result<Vec<serde_json::Value>, PortalError> {
    let rows = ca.tokens(authz::scope(user), LIST_LIMIT)?;
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

/// A page of the subscribers in the user's scope matching the query's
/// filters (`q`: name ignoring case and diacritics, or identifier;
/// `kind`; `unit_id`; `province`). An id matching nothing gives an empty
/// page, never other rows.
pub fn subscriber_page(
    ca: &Ca,
    user: &User,
    query: &ListQuery,
) -> Result<(Vec<serde_json::Value>, PageInfo), PortalError> {
    let kind = query
        .filter("kind")
        .map(str::parse::<ca_core::registry::SubscriberKind>)
        .transpose()?;
    let Some(province) = province_in_scope(user, query.filter("province"))? else {
        return Ok((Vec::new(), query.page_info(0)));
    };
    let filter = SubscriberFilter {
        province,
        text: query.filter("q").map(clean),
        kind: kind.map(|k| k.as_str().to_owned()),
        unit_id: query.id("unit_id")?,
    };
    let order = match query.sort {
        "name" => SubscriberOrder::Name,
        "kind" => SubscriberOrder::Kind,
        "uid" => SubscriberOrder::Uid,
        "title" => SubscriberOrder::Title,
        "province" => SubscriberOrder::Province,
        _ => SubscriberOrder::Id,
    };
    let page = ca.store().read(|c| -> Result<_, PortalError> {
        Ok(view::subscribers(
            c,
            &filter,
            order,
            query.dir,
            query.window(),
        )?)
    })?;
    Ok((
        page.rows.iter().map(subscriber_json).collect(),
        query.page_info(page.total),
    ))
}

/// A page of the units in the user's scope (`province` filter for those
/// who see every province), each with its parent unit's name.
pub fn unit_page(
    ca: &Ca,
    user: &User,
    query: &ListQuery,
) -> Result<(Vec<serde_json::Value>, PageInfo), PortalError> {
    let Some(province) = province_in_scope(user, query.filter("province"))? else {
        return Ok((Vec::new(), query.page_info(0)));
    };
    let order = match query.sort {
        "name" => UnitOrder::Name,
        "province" => UnitOrder::Province,
        "agency_code" => UnitOrder::AgencyCode,
        _ => UnitOrder::Id,
    };
    let (page, parents) = ca.store().read(|c| -> Result<_, PortalError> {
        let page = view::units(c, province.as_deref(), order, query.dir, query.window())?;
        let ids: Vec<i64> = page.rows.iter().filter_map(|u| u.parent_id).collect();
        let parents = view::unit_names(c, &ids)?;
        Ok((page, parents))
    })?;
    let rows = page
        .rows
        .iter()
        .map(|u| {
            let mut v = unit_json(u);
            let parent = u
                .parent_id
                .and_then(|p| parents.iter().find(|(id, _)| *id == p))
                .map(|(_, name)| name.clone());
            if let Some(o) = v.as_object_mut() {
                o.insert("parent_name".into(), json!(parent));
            }
            v
        })
        .collect();
    Ok((rows, query.page_info(page.total)))
}

/// A page of the tokens in the user's scope matching the query's filters
/// (`q`: serial or holder's name; `status`; `subscriber_id`), each with
/// its holder's name and province.
pub fn token_page(
    ca: &Ca,
    user: &User,
    query: &ListQuery,
) -> Result<(Vec<serde_json::Value>, PageInfo), PortalError> {
    let status = query
        .filter("status")
        .map(str::parse::<ca_core::token::TokenState>)
        .transpose()?;
    let filter = TokenFilter {
        province: authz::scope(user).map(str::to_owned),
        subscriber_id: query.id("subscriber_id")?,
        status: status.map(|s| s.as_str().to_owned()),
        text: query.filter("q").map(clean),
    };
    let order = match query.sort {
        "serial" => TokenOrder::Serial,
        "status" => TokenOrder::Status,
        "holder" => TokenOrder::Holder,
        _ => TokenOrder::Id,
    };
    let page = ca.store().read(|c| -> Result<_, PortalError> {
        Ok(view::tokens(c, &filter, order, query.dir, query.window())?)
    })?;
    let rows = page
        .rows
        .iter()
        .map(|t| {
            let mut v = token_json(&t.token);
            if let Some(o) = v.as_object_mut() {
                o.insert("province".into(), json!(t.province));
                o.insert("holder".into(), json!(t.holder));
            }
            v
        })
        .collect();
    Ok((rows, query.page_info(page.total)))
}

/// The province filter of a list: `Ok(None)` when nothing can match (a
/// provincial account asking for another province), else `Ok(Some(p))`
/// with `p` the province kept — the account's own for provincial
/// accounts, otherwise the one asked for (current or former name) or
/// every one (`None`).
#[allow(clippy::option_option)]
fn province_in_scope(
    user: &User,
    asked: Option<&str>,
) -> Result<Option<Option<String>>, PortalError> {
    let asked = asked.map(current_province).transpose()?.map(|(p, _)| p);
    Ok(match (authz::scope(user), asked) {
        (Some(own), Some(p)) if own != p => None,
        (Some(own), _) => Some(Some(own.to_owned())),
        (None, p) => Some(p),
    })
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

fn clean(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}
