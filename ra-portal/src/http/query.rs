//! The query strings of the routes: the audit log's and the reports'
//! filters parsed by Rocket (`FromForm`) and turned into the domain's
//! filters, which know nothing of HTTP (each field kept as given, text;
//! the domain checks it); and [`RawQuery`], the query string as sent, for
//! the lists, which read it against their own spec (`crate::listing`) so
//! that a parameter they do not know is refused instead of silently
//! ignored.

use std::convert::Infallible;

use rocket::request::{FromRequest, Outcome, Request};

use crate::audit_view::AuditFilters;
use crate::reports::ReportFilters;

/// `?actor=&action=&object=&from=&to=&page=&per_page=` of the audit log.
#[derive(Debug, Clone, Default, rocket::FromForm)]
pub(crate) struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    object: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    limit: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
}

impl From<AuditQuery> for AuditFilters {
    fn from(q: AuditQuery) -> Self {
        Self {
            actor: q.actor,
            action: q.action,
            object: q.object,
            from: q.from,
            to: q.to,
            page: q.page,
            per_page: q.per_page,
            limit: q.limit,
            sort: q.sort,
            dir: q.dir,
        }
    }
}

/// `?province=&unit=&from=&to=` of the reports.
#[derive(Debug, Clone, Default, rocket::FromForm)]
pub(crate) struct ReportQuery {
    province: Option<String>,
    unit: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl From<ReportQuery> for ReportFilters {
    fn from(q: ReportQuery) -> Self {
        Self {
            province: q.province,
            unit: q.unit,
            from: q.from,
            to: q.to,
        }
    }
}

/// The query string after `?`, still percent-encoded (`None` without one).
#[derive(Debug, Clone, Default)]
pub(crate) struct RawQuery(pub(crate) Option<String>);

impl RawQuery {
    /// The query string, if any.
    pub(crate) fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RawQuery {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Infallible> {
        Outcome::Success(Self(req.uri().query().map(|q| q.as_str().to_owned())))
    }
}
