//! The registry as the portal's paged lists read it (`ra_portal::registry`,
//! `ra_portal::request_record`): subscribers, units and tokens a page at a
//! time with the total, sorted by a column the caller chose from a closed
//! set, and the names of the subscribers and units a page of rows refers
//! to. Searches compare the subscribers' folded search key
//! ([`crate::registry::search_key`]), so they ignore case and Vietnamese
//! diacritics on both backends; nothing is filtered in memory.

use diesel::prelude::*;

use crate::registry::search_key;
use crate::store::models::{SubscriberRow, TokenRow, UnitRow};
use crate::store::schema::{subscribers, tokens, units};
use crate::store::DbConnection;

type Backend = <DbConnection as Connection>::Backend;

diesel::define_sql_function! {
    /// SQL `lower()`, the same on SQLite and PostgreSQL for the ASCII
    /// identifiers and serials it is used on.
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// Which rows of the ordered result: at most `limit`, after skipping
/// `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Most rows returned.
    pub limit: i64,
    /// Rows skipped first.
    pub offset: i64,
}

/// A page of rows and how many rows match in all.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    /// Rows matching the filter, on every page.
    pub total: i64,
    /// This page's rows.
    pub rows: Vec<T>,
}

/// The columns a subscriber list sorts by (ties broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubscriberOrder {
    /// Registration order.
    #[default]
    Id,
    /// The name, folded (Đặng among the D's).
    Name,
    /// individual, organization, device.
    Kind,
    /// The identifier (`CCCD:…`, `MST:…`).
    Uid,
    /// The position.
    Title,
    /// The province.
    Province,
}

/// Which subscribers: every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriberFilter {
    /// Only this province.
    pub province: Option<String>,
    /// The folded name contains this text folded, or (when it has a
    /// digit) the identifier contains it (any case).
    pub text: Option<String>,
    /// Only this kind (`individual`, `organization`, `device`).
    pub kind: Option<String>,
    /// Only this unit's subscribers.
    pub unit_id: Option<i64>,
}

/// The columns a unit list sorts by (ties broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnitOrder {
    /// Registration order.
    #[default]
    Id,
    /// The name.
    Name,
    /// The province.
    Province,
    /// The electronic agency code.
    AgencyCode,
}

/// The columns a token list sorts by (ties broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenOrder {
    /// Registration order.
    #[default]
    Id,
    /// The device's serial.
    Serial,
    /// The state.
    Status,
    /// The holder's name, folded.
    Holder,
}

/// Which tokens: every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenFilter {
    /// Held by subscribers of this province.
    pub province: Option<String>,
    /// Held by this subscriber.
    pub subscriber_id: Option<i64>,
    /// In this state (`active`, `lost` …).
    pub status: Option<String>,
    /// The serial contains this text (any case), or the holder's folded
    /// name contains it folded.
    pub text: Option<String>,
}

/// A token with its holder's name and province.
#[derive(Debug, Clone)]
pub struct TokenWithHolder {
    /// The token.
    pub token: TokenRow,
    /// The holder's name.
    pub holder: String,
    /// The holder's province.
    pub province: String,
}

/// `$q` ordered by `$col` then `$tie` in direction `$dir`.
macro_rules! ordered {
    ($q:expr, $dir:expr, $col:expr, $tie:expr) => {
        match $dir {
            Direction::Asc => $q.order(($col.asc(), $tie.asc())),
            Direction::Desc => $q.order(($col.desc(), $tie.desc())),
        }
    };
}
pub(crate) use ordered;

/// A page of the subscribers matching `f`.
pub fn subscribers(
    c: &mut DbConnection,
    f: &SubscriberFilter,
    order: SubscriberOrder,
    dir: Direction,
    w: Window,
) -> QueryResult<Paged<SubscriberRow>> {
    let total = subscriber_query(f).count().get_result(c)?;
    let q = subscriber_query(f).select(SubscriberRow::as_select());
    let q = match order {
        SubscriberOrder::Id => ordered!(q, dir, subscribers::id, subscribers::id),
        SubscriberOrder::Name => ordered!(q, dir, subscribers::search_key, subscribers::id),
        SubscriberOrder::Kind => ordered!(q, dir, subscribers::kind, subscribers::id),
        SubscriberOrder::Uid => ordered!(q, dir, subscribers::uid, subscribers::id),
        SubscriberOrder::Title => ordered!(q, dir, subscribers::title, subscribers::id),
        SubscriberOrder::Province => ordered!(q, dir, subscribers::province, subscribers::id),
    };
    let rows = q.limit(w.limit).offset(w.offset).load(c)?;
    Ok(Paged { total, rows })
}

/// A page of the units of a province (every unit with `None`).
pub fn units(
    c: &mut DbConnection,
    province: Option<&str>,
    order: UnitOrder,
    dir: Direction,
    w: Window,
) -> QueryResult<Paged<UnitRow>> {
    let filtered = || {
        let mut q = units::table.into_boxed::<Backend>();
        if let Some(p) = province {
            q = q.filter(units::province.eq(p.to_owned()));
        }
        q
    };
    let total = filtered().count().get_result(c)?;
    let q = filtered().select(UnitRow::as_select());
    let q = match order {
        UnitOrder::Id => ordered!(q, dir, units::id, units::id),
        UnitOrder::Name => ordered!(q, dir, units::name, units::id),
        UnitOrder::Province => ordered!(q, dir, units::province, units::id),
        UnitOrder::AgencyCode => ordered!(q, dir, units::agency_code, units::id),
    };
    let rows = q.limit(w.limit).offset(w.offset).load(c)?;
    Ok(Paged { total, rows })
}

/// A page of the tokens matching `f`, each with its holder.
pub fn tokens(
    c: &mut DbConnection,
    f: &TokenFilter,
    order: TokenOrder,
    dir: Direction,
    w: Window,
) -> QueryResult<Paged<TokenWithHolder>> {
    // The same filters on the count and on the page.
    macro_rules! filtered {
        () => {{
            let mut q = tokens::table
                .inner_join(subscribers::table)
                .into_boxed::<Backend>();
            if let Some(p) = &f.province {
                q = q.filter(subscribers::province.eq(p.clone()));
            }
            if let Some(id) = f.subscriber_id {
                q = q.filter(tokens::subscriber_id.eq(id));
            }
            if let Some(s) = &f.status {
                q = q.filter(tokens::status.eq(s.clone()));
            }
            if let Some(text) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
                let (name, serial) = text_patterns(text);
                q = q.filter(
                    lower(tokens::serial.nullable())
                        .like(serial)
                        .escape('\\')
                        .or(subscribers::search_key.like(name).escape('\\')),
                );
            }
            q
        }};
    }
    let total = filtered!().count().get_result(c)?;
    let q = filtered!().select((
        TokenRow::as_select(),
        subscribers::full_name,
        subscribers::province,
    ));
    let q = match order {
        TokenOrder::Id => ordered!(q, dir, tokens::id, tokens::id),
        TokenOrder::Serial => ordered!(q, dir, tokens::serial, tokens::id),
        TokenOrder::Status => ordered!(q, dir, tokens::status, tokens::id),
        TokenOrder::Holder => ordered!(q, dir, subscribers::search_key, tokens::id),
    };
    let rows: Vec<(TokenRow, String, String)> = q.limit(w.limit).offset(w.offset).load(c)?;
    Ok(Paged {
        total,
        rows: rows
            .into_iter()
            .map(|(token, holder, province)| TokenWithHolder {
                token,
                holder,
                province,
            })
            .collect(),
    })
}

/// The names of the subscribers among `ids` that exist: (id, name).
pub fn subscriber_names(c: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    subscribers::table
        .filter(subscribers::id.eq_any(ids))
        .select((subscribers::id, subscribers::full_name))
        .load(c)
}

/// The names of the units among `ids` that exist: (id, name).
pub fn unit_names(c: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    units::table
        .filter(units::id.eq_any(ids))
        .select((units::id, units::name))
        .load(c)
}

/// The subscribers matching `f`, unordered and unlimited (for the count
/// and the page).
fn subscriber_query(f: &SubscriberFilter) -> subscribers::BoxedQuery<'static, Backend> {
    let mut q = subscribers::table.into_boxed();
    if let Some(p) = &f.province {
        q = q.filter(subscribers::province.eq(p.clone()));
    }
    if let Some(k) = &f.kind {
        q = q.filter(subscribers::kind.eq(k.clone()));
    }
    if let Some(u) = f.unit_id {
        q = q.filter(subscribers::unit_id.eq(u));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let (name, uid) = text_patterns(text);
        // An identifier always has digits: `d` looks for names, not for
        // every `CCCD:`.
        q = if text.chars().any(|c| c.is_ascii_digit()) {
            q.filter(
                subscribers::search_key
                    .like(name)
                    .escape('\\')
                    .or(lower(subscribers::uid).like(uid).escape('\\')),
            )
        } else {
            q.filter(subscribers::search_key.like(name).escape('\\'))
        };
    }
    q
}

/// The LIKE patterns of a search for `text`: (on the folded name, on an
/// identifier or serial in lower case).
pub(crate) fn text_patterns(text: &str) -> (String, String) {
    (
        format!("%{}%", like_escape(&search_key(text))),
        format!("%{}%", like_escape(&text.trim().to_lowercase())),
    )
}

/// `text` with the LIKE wildcards escaped (escape character `\`).
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
