//! Certificates as the portal shows them: search within the caller's
//! scope, details, and downloads (PEM, DER, and the chain as a certs-only
//! CMS `.p7b`).

use chrono::{NaiveDate, NaiveDateTime, Utc};
use serde_json::json;

use ca_core::lifecycle::CertificateRef;
use ca_core::serial::Serial;
use ca_core::store::models::CertificateRow;
use ca_core::views::certificates::{
    self as view, CertificateOrder, CertificateSearch, StatusMatch, UnitMatch,
};
use ca_core::views::lists::Direction;
use ca_core::{Ca, CaError};

use crate::authz::{self, Action};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::listing::{ListQuery, ListSpec, PageInfo};
use crate::user::User;

/// `GET /certificates`: the filters ([`Filters`]) and the sortable
/// columns; newest first unless sorted otherwise.
pub const CERTIFICATE_LIST: ListSpec = ListSpec {
    filters: &[
        "serial",
        "name",
        "national_id",
        "unit",
        "token",
        "status",
        "expiring_before",
        "subscriber_id",
    ],
    sorts: &[
        "id",
        "serial",
        "name",
        "status",
        "not_before",
        "not_after",
        "province",
    ],
    default_dir: Direction::Desc,
};

/// Search filters (`GET /api/v1/certificates?…`), all optional.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Exact serial (hex, any case, colons accepted).
    pub serial: Option<String>,
    /// Part of the subscriber's name.
    pub name: Option<String>,
    /// National id or tax code (`CCCD:…`, `MST:…`, or the digits).
    pub national_id: Option<String>,
    /// Unit id, or part of the unit's name.
    pub unit: Option<String>,
    /// Token serial.
    pub token: Option<String>,
    /// good, suspended, revoked, pending, or expired.
    pub status: Option<String>,
    /// Only certificates whose notAfter is before this date (YYYY-MM-DD or
    /// RFC 3339).
    pub expiring_before: Option<String>,
    /// Only this subscriber's certificates (an id; none for an id that
    /// matches no subscriber in the caller's scope).
    pub subscriber_id: Option<String>,
}

impl Filters {
    /// The filters of a list query ([`CERTIFICATE_LIST`]).
    pub fn of(query: &ListQuery) -> Self {
        let get = |k: &str| query.filter(k).map(str::to_owned);
        Self {
            serial: get("serial"),
            name: get("name"),
            national_id: get("national_id"),
            unit: get("unit"),
            token: get("token"),
            status: get("status"),
            expiring_before: get("expiring_before"),
            subscriber_id: get("subscriber_id"),
        }
    }
}

/// The output format of a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PEM text.
    Pem,
    /// DER.
    Der,
    /// Certs-only CMS SignedData with the certificate and its chain.
    P7b,
}

/// The page `query` asks for of the certificates of subscribers in the
/// user's scope matching `f`, sorted as it asks.
pub fn search(
    ca: &Ca,
    user: &User,
    f: &Filters,
    query: &ListQuery,
) -> Result<(Vec<serde_json::Value>, PageInfo), PortalError> {
    let serial = f
        .serial
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.parse::<Serial>().map_err(CaError::from))
        .transpose()?;
    let status = match f.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some("good") => Some(StatusMatch::Good),
        Some("expired") => Some(StatusMatch::Expired),
        Some("suspended") => Some(StatusMatch::Suspended),
        Some("revoked") => Some(StatusMatch::Revoked),
        Some("pending") => Some(StatusMatch::Pending),
        Some(s) => {
            return Err(PortalError::invalid(
                ErrorCode::InvalidStatus,
                format!("unknown status {s:?}; use good, suspended, revoked, pending or expired"),
            ))
        }
    };
    let before = f
        .expiring_before
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(parse_date)
        .transpose()?;
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    // The national id or tax code without its prefix and separators:
    // `CCCD:0010…`, `cccd 0010…` and `0010…` all find `CCCD:0010…`.
    let uid_digits = text(&f.national_id).map(|id| {
        let digits: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
        digits
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .to_owned()
    });
    let subscriber_id = f
        .subscriber_id
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim().parse::<i64>().map_err(|_| {
                PortalError::invalid(
                    ErrorCode::InvalidSubscriber,
                    format!("subscriber_id {s:?} is not an id (a whole number)"),
                )
            })
        })
        .transpose()?;
    let order = match query.sort {
        "serial" => CertificateOrder::Serial,
        "name" => CertificateOrder::Name,
        "status" => CertificateOrder::Status,
        "not_before" => CertificateOrder::NotBefore,
        "not_after" => CertificateOrder::NotAfter,
        "province" => CertificateOrder::Province,
        _ => CertificateOrder::Id,
    };
    let now = Utc::now().naive_utc();
    let search = CertificateSearch {
        province: authz::scope(user).map(str::to_owned),
        serial,
        name: text(&f.name),
        uid_digits,
        unit: text(&f.unit).map(|u| match u.parse::<i64>() {
            Ok(id) => UnitMatch::Id(id),
            Err(_) => UnitMatch::NameContains(u),
        }),
        token_serial: text(&f.token),
        subscriber_id,
        status,
        not_after_before: before,
        now,
        order,
        direction: query.dir,
        window: query.window(),
    };
    let found = ca
        .store()
        .read(|c| -> Result<_, PortalError> { Ok(view::search(c, &search)?) })?;
    let info = query.page_info(found.total);
    let rows = found
        .rows
        .iter()
        .map(|f| {
            let mut v = summary(&f.row, now);
            if let Some(o) = v.as_object_mut() {
                o.insert("subscriber_name".into(), json!(f.subscriber_name));
                o.insert("subscriber_uid".into(), json!(f.subscriber_uid));
                o.insert("province".into(), json!(f.province));
            }
            v
        })
        .collect();
    Ok((rows, info))
}

/// One certificate, if the user may read it, with the OCSP answer served
/// now and the CRL that first listed its revocation
/// ([`crate::revocation`]).
pub fn details(ca: &Ca, user: &User, serial: &str) -> Result<serde_json::Value, PortalError> {
    let row = readable(ca, user, serial)?;
    let (replaces, replaced_by) = ca.store().read(|c| -> Result<_, PortalError> {
        let replaces = match row.replaces_id {
            Some(id) => view::by_id(c, id)?.map(|r| r.serial),
            None => None,
        };
        Ok((replaces, view::replaced_by(c, row.id)?))
    })?;
    let info = ca_core::lifecycle::CertificateInfo::from(&row);
    let mut v = serde_json::to_value(&info).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), json!(row.id));
        o.insert("token_id".into(), json!(row.token_id));
        o.insert("replaces_id".into(), json!(row.replaces_id));
        o.insert("replaces_serial".into(), json!(replaces));
        o.insert("replaced_by_serial".into(), json!(replaced_by));
        o.insert(
            "expired".into(),
            json!(row.not_after < Utc::now().naive_utc()),
        );
        o.insert("ocsp".into(), crate::revocation::ocsp(ca, &row)?);
        o.insert("crl".into(), crate::revocation::crl(ca, &row)?);
    }
    Ok(v)
}

/// The serial of certificate `id`, if the user may read it.
pub fn serial_by_id(ca: &Ca, user: &User, id: i64) -> Result<String, PortalError> {
    let row: CertificateRow = ca.store().read(|c| -> Result<_, PortalError> {
        view::by_id(c, id)?.ok_or_else(|| PortalError::NotFound(format!("no certificate {id}")))
    })?;
    if let Some(sub) = row.subscriber_id {
        let province = ca.subscriber(sub)?.province;
        authz::authorize_object(user, Action::Read, &province, || {
            PortalError::NotFound(format!("no certificate {id}"))
        })?;
    }
    Ok(row.serial)
}

/// A certificate in `format`: (bytes, content type, file extension).
pub fn download(
    ca: &Ca,
    user: &User,
    serial: &str,
    format: Format,
) -> Result<Vec<u8>, PortalError> {
    let row = readable(ca, user, serial)?;
    let der = row.cert_der.ok_or_else(|| {
        PortalError::conflict(
            ErrorCode::NotIssued,
            format!("certificate {} is not signed yet", row.serial),
        )
    })?;
    match format {
        Format::Der => Ok(der),
        Format::Pem => Ok(ca_core::certificate::der_to_pem(&der).into_bytes()),
        Format::P7b => {
            let mut chain = vec![der];
            let mut next = Some(row.issuer_id);
            while let Some(id) = next.take() {
                let issuer = ca.issuer(&id)?;
                if let Some(d) = issuer.cert_der.clone() {
                    chain.push(d);
                }
                if chain.len() < 16 {
                    next = issuer.parent_id.filter(|p| *p != id);
                }
            }
            certs_only_cms(&chain)
        }
    }
}

/// A certificate row the user may read (CA certificates are public).
fn readable(ca: &Ca, user: &User, serial: &str) -> Result<CertificateRow, PortalError> {
    let serial: Serial = serial.parse().map_err(CaError::from)?;
    let info = ca.certificate(&CertificateRef::serial(serial.clone()))?;
    let row: CertificateRow = ca.store().read(|c| -> Result<_, PortalError> {
        Ok(view::by_issuer_serial(c, &info.issuer, &serial)?)
    })?;
    if let Some(id) = row.subscriber_id {
        let province = ca.subscriber(id)?.province;
        authz::authorize_object(user, Action::Read, &province, || {
            CaError::UnknownCertificate {
                serial: serial.to_hex(),
            }
            .into()
        })?;
    }
    Ok(row)
}

fn summary(row: &CertificateRow, now: NaiveDateTime) -> serde_json::Value {
    let t = |d: NaiveDateTime| d.and_utc().to_rfc3339();
    json!({
        "id": row.id,
        "serial": row.serial,
        "issuer": row.issuer_id,
        "status": row.status,
        "expired": row.not_after < now,
        "subject": row.subject_dn,
        "profile": row.profile,
        "operation": row.operation,
        "subscriber_id": row.subscriber_id,
        "token_id": row.token_id,
        "not_before": t(row.not_before),
        "not_after": t(row.not_after),
        "revoked_at": row.revoked_at.map(t),
        "revocation_reason": row.revocation_reason,
    })
}

fn parse_date(s: &str) -> Result<NaiveDateTime, PortalError> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default());
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.naive_utc())
        .map_err(|_| {
            PortalError::invalid(
                ErrorCode::InvalidDate,
                format!("expiring_before {s:?} is not YYYY-MM-DD or RFC 3339"),
            )
        })
}

/// A degenerate (certs-only) CMS SignedData (RFC 5652 §5, as PKCS#7
/// `.p7b` files are): no content, no signers, the certificates.
fn certs_only_cms(ders: &[Vec<u8>]) -> Result<Vec<u8>, PortalError> {
    use cms::cert::CertificateChoices;
    use cms::content_info::{CmsVersion, ContentInfo};
    use cms::signed_data::{CertificateSet, EncapsulatedContentInfo, SignedData, SignerInfos};
    use der::asn1::SetOfVec;
    use der::{Any, Decode, Encode};

    let internal = |e: der::Error| PortalError::Internal(format!("building the .p7b: {e}"));
    let mut choices = Vec::with_capacity(ders.len());
    for der in ders {
        let cert = x509_cert::Certificate::from_der(der).map_err(internal)?;
        choices.push(CertificateChoices::Certificate(cert));
    }
    let certs = SetOfVec::try_from(choices).map_err(internal)?;
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::new(),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: const_oid::db::rfc5911::ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::new()),
    };
    let info = ContentInfo {
        content_type: const_oid::db::rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(internal)?,
    };
    info.to_der().map_err(internal)
}
