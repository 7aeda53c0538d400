//! The query strings of the list and report routes, parsed by Rocket
//! (`FromForm`) and turned into the domain's filters, which know nothing
//! of HTTP. Each field is kept as given (text); the domain checks it.

use crate::audit_view::AuditFilters;
use crate::certificates::Filters;
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

/// `?serial=&name=&national_id=&unit=&token=&status=&expiring_before=` of
/// the certificate search.
#[derive(Debug, Clone, Default, rocket::FromForm)]
pub(crate) struct CertificateQuery {
    serial: Option<String>,
    name: Option<String>,
    national_id: Option<String>,
    unit: Option<String>,
    token: Option<String>,
    status: Option<String>,
    expiring_before: Option<String>,
}

impl From<CertificateQuery> for Filters {
    fn from(q: CertificateQuery) -> Self {
        Self {
            serial: q.serial,
            name: q.name,
            national_id: q.national_id,
            unit: q.unit,
            token: q.token,
            status: q.status,
            expiring_before: q.expiring_before,
        }
    }
}
