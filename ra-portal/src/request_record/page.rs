//! The requests list a page at a time (`GET /requests`): filtered by
//! state, kind and subscriber, sorted by a whitelisted column, with the
//! name of the person (or organization) each request is about, read
//! through ca-core's view of the registry.

use diesel::prelude::*;

use ca_core::store::{DbConnection, Store};
use ca_core::views::lists::{self as registry_view, Direction};

use super::{Kind, RequestRow, RequestState};
use crate::authz;
use crate::error::PortalError;
use crate::listing::{ListQuery, ListSpec, PageInfo};
use crate::schema::requests;
use crate::user::User;

type Backend = <DbConnection as Connection>::Backend;

/// `GET /requests`: the filters and the sortable columns; newest first
/// unless sorted otherwise.
pub const REQUEST_LIST: ListSpec = ListSpec {
    filters: &["state", "kind", "subscriber_id"],
    sorts: &["id", "submitted_at", "kind", "state", "province"],
    default_dir: Direction::Desc,
};

/// A request of a list, with the name of its subscriber.
#[derive(Debug, Clone)]
pub struct ListedRequest {
    /// The request.
    pub row: RequestRow,
    /// The subscriber's name (none for a unit change, or a subscriber
    /// that no longer exists).
    pub subscriber_name: Option<String>,
}

impl ListedRequest {
    /// The API's JSON of the request, with `subscriber_name`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = self.row.to_json();
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "subscriber_name".into(),
                serde_json::json!(self.subscriber_name),
            );
        }
        v
    }
}

/// The page `query` asks for of the requests in the user's scope.
pub fn page(
    store: &Store,
    user: &User,
    query: &ListQuery,
) -> Result<(Vec<ListedRequest>, PageInfo), PortalError> {
    let state = query
        .filter("state")
        .map(str::parse::<RequestState>)
        .transpose()?;
    let kind = query.filter("kind").map(str::parse::<Kind>).transpose()?;
    let subscriber = query.id("subscriber_id")?;
    let filtered = || {
        let mut q = requests::table.into_boxed::<Backend>();
        if let Some(p) = authz::scope(user) {
            q = q.filter(requests::province.eq(p.to_owned()));
        }
        if let Some(s) = state {
            q = q.filter(requests::state.eq(s));
        }
        if let Some(k) = kind {
            q = q.filter(requests::kind.eq(k));
        }
        if let Some(id) = subscriber {
            q = q.filter(requests::subscriber_id.eq(id));
        }
        q
    };
    store.read(|c| -> Result<_, PortalError> {
        let total: i64 = filtered().count().get_result(c)?;
        let q = filtered().select(RequestRow::as_select());
        let q = match (query.sort, query.dir) {
            ("submitted_at", Direction::Asc) => {
                q.order((requests::submitted_at.asc(), requests::id.asc()))
            }
            ("submitted_at", Direction::Desc) => {
                q.order((requests::submitted_at.desc(), requests::id.desc()))
            }
            ("kind", Direction::Asc) => q.order((requests::kind.asc(), requests::id.asc())),
            ("kind", Direction::Desc) => q.order((requests::kind.desc(), requests::id.desc())),
            ("state", Direction::Asc) => q.order((requests::state.asc(), requests::id.asc())),
            ("state", Direction::Desc) => q.order((requests::state.desc(), requests::id.desc())),
            ("province", Direction::Asc) => q.order((requests::province.asc(), requests::id.asc())),
            ("province", Direction::Desc) => {
                q.order((requests::province.desc(), requests::id.desc()))
            }
            (_, Direction::Asc) => q.order(requests::id.asc()),
            (_, Direction::Desc) => q.order(requests::id.desc()),
        };
        let window = query.window();
        let rows: Vec<RequestRow> = q.limit(window.limit).offset(window.offset).load(c)?;
        let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.subscriber_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let names = registry_view::subscriber_names(c, &ids)?;
        let listed = rows
            .into_iter()
            .map(|row| ListedRequest {
                subscriber_name: row.subscriber_id.and_then(|s| {
                    names
                        .iter()
                        .find(|(id, _)| *id == s)
                        .map(|(_, n)| n.clone())
                }),
                row,
            })
            .collect();
        Ok((listed, query.page_info(total)))
    })
}
