//! The name of an audit action for people, in Vietnamese and in English,
//! and an event's details as a sentence (`Số hiệu: 1f…; Lý do: Lộ khóa bí
//! mật.`) instead of raw JSON. The matches are exhaustive over
//! [`AuditAction`]: an action added to ca-core without its two names does
//! not compile.

use ca_core::audit::AuditAction;
use serde_json::Value;

use super::lang::Lang;
use crate::vn_time;

/// The details of an event in `lang`: each field with its label, values
/// worded (reasons, states, operations, times in Vietnam time), nested
/// objects in parentheses, empty fields left out.
pub(super) fn details(lang: Lang, details: &Value) -> String {
    let text = fields(lang, details);
    if text.is_empty() {
        "—".to_owned()
    } else {
        format!("{text}.")
    }
}

/// What an event is about, for people: `subscriber:5` is "Thuê bao số 5",
/// `certificate:gov-ca/1f…` "Chứng thư số 1f… (gov-ca)"; the stored form
/// (what the filter takes) is kept for anything else.
pub(super) fn object(lang: Lang, object: &str) -> String {
    let Some((kind, id)) = object.split_once(':') else {
        return match (lang, object) {
            (Lang::Vi, "hierarchy") => "Hệ thống CA".to_owned(),
            (Lang::En, "hierarchy") => "CA hierarchy".to_owned(),
            _ => object.to_owned(),
        };
    };
    let (vi, en) = match kind {
        "certificate" => {
            let (issuer, serial) = id.split_once('/').unwrap_or(("", id));
            return match lang {
                Lang::Vi => format!("Chứng thư số {serial} ({issuer})"),
                Lang::En => format!("Certificate {serial} ({issuer})"),
            };
        }
        "subscriber" => ("Thuê bao số", "Subscriber"),
        "unit" => ("Đơn vị số", "Unit"),
        "request" => ("Yêu cầu số", "Request"),
        "token" => ("Thiết bị lưu khóa", "Token"),
        "user" => ("Tài khoản", "Account"),
        "issuer" => ("CA", "CA"),
        "ocsp-signer" => ("Chứng thư ký OCSP của CA", "OCSP signer of CA"),
        _ => return object.to_owned(),
    };
    match lang {
        Lang::Vi => format!("{vi} {id}"),
        Lang::En => format!("{en} {id}"),
    }
}

fn fields(lang: Lang, v: &Value) -> String {
    match v {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !is_empty(v))
            .map(|(k, v)| format!("{}: {}", key_label(lang, k), value(lang, k, v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => value(lang, "", other),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_empty),
        _ => false,
    }
}

fn value(lang: Lang, key: &str, v: &Value) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::Bool(b) => match (lang, b) {
            (Lang::Vi, true) => "có",
            (Lang::Vi, false) => "không",
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
        }
        .to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => word(lang, key, s),
        Value::Array(items) => items
            .iter()
            .map(|i| value(lang, key, i))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => format!("({})", fields(lang, v)),
    }
}

/// A string value worded for people: reasons, states and operations by
/// their names, times in Vietnam time.
fn word(lang: Lang, key: &str, s: &str) -> String {
    match key {
        "reason" | "replaced_reason" | "revocation_reason" => {
            super::certificates::reason_in(lang, s)
        }
        "status" | "previous_status" | "to" | "from" | "kind" => {
            super::vi::state_in(lang, s).to_owned()
        }
        "operation" => operation(lang, s).to_owned(),
        "profile" => super::vi::profile_in(lang, s),
        _ if s.len() >= 20 && chrono::DateTime::parse_from_rfc3339(s).is_ok() => {
            vn_time::display_rfc3339(s)
        }
        _ => s.to_owned(),
    }
}

/// The name of an issuance's operation.
fn operation(lang: Lang, op: &str) -> &str {
    let (vi, en) = match op {
        "issue" => ("cấp mới", "new issuance"),
        "renew" => ("gia hạn", "renewal"),
        "change-info" => ("thay đổi nội dung", "change of information"),
        "reissue" => ("cấp lại", "re-issue"),
        "replace" => ("thay thế", "replacement"),
        "revoke" => ("thu hồi", "revocation"),
        "suspend" => ("tạm dừng", "suspension"),
        "restore" => ("khôi phục", "restoration"),
        "init" => ("khởi tạo", "initialisation"),
        "sub-ca" => ("tạo CA cấp dưới", "subordinate CA"),
        "ocsp-signer" => ("chứng thư ký OCSP", "OCSP signer"),
        other => return other,
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// The label of a details field; a field with no label keeps its name.
fn key_label(lang: Lang, key: &str) -> String {
    match DETAIL_LABELS.iter().find(|(k, _, _)| *k == key) {
        Some((_, vi, en)) => match lang {
            Lang::Vi => (*vi).to_owned(),
            Lang::En => (*en).to_owned(),
        },
        None => key.replace('_', " "),
    }
}

/// The fields of audit details: (name, Vietnamese, English).
const DETAIL_LABELS: &[(&str, &str, &str)] = &[
    ("action", "Thao tác", "Action"),
    ("agency_code", "Mã định danh điện tử", "Agency code"),
    ("approved_at", "Phê duyệt lúc", "Approved at"),
    ("at", "Thời điểm", "Time"),
    ("backend", "Nơi lưu khóa", "Key store"),
    ("certificate_id", "Chứng thư số", "Certificate"),
    ("certificates", "Chứng thư số", "Certificates"),
    ("changes", "Thay đổi", "Changes"),
    ("code", "Mã", "Code"),
    ("comment", "Ý kiến", "Comment"),
    ("common_name", "Họ và tên", "Name"),
    ("count", "Số lượng", "Count"),
    ("csr", "CSR", "CSR"),
    ("days", "Số ngày hiệu lực", "Days"),
    ("delta", "CRL bổ sung", "Delta CRL"),
    ("department", "Phòng ban", "Department"),
    ("done", "Đã xong", "Done"),
    ("email", "Thư điện tử", "E-mail"),
    ("error", "Lỗi", "Error"),
    ("errors", "Lỗi", "Errors"),
    ("expires_at", "Hết hạn lúc", "Expires at"),
    ("failed", "Không thành công", "Failed"),
    ("failures", "Số lần sai", "Failures"),
    ("field", "Trường", "Field"),
    ("from", "Từ", "From"),
    ("id", "Mã số", "Id"),
    ("into", "Sáp nhập vào", "Merged into"),
    ("invalidity_date", "Ngày khóa bị lộ", "Invalidity date"),
    ("issuer", "CA cấp", "Issuer"),
    ("issuer_dn", "Tên CA cấp", "Issuer name"),
    ("items", "Số mục", "Items"),
    ("key", "Khóa", "Key"),
    ("key_ref", "Khóa trên HSM", "Key reference"),
    ("kind", "Loại", "Kind"),
    ("locality", "Địa bàn", "Locality"),
    ("message", "Nội dung", "Message"),
    (
        "must_change_password",
        "Phải đổi mật khẩu",
        "Must change password",
    ),
    ("name", "Tên", "Name"),
    ("new_key", "Khóa mới", "New key"),
    ("next_update", "Cập nhật tiếp theo", "Next update"),
    ("not_after", "Hiệu lực đến", "Valid until"),
    ("not_before", "Hiệu lực từ", "Valid from"),
    ("note", "Ghi chú", "Note"),
    ("number", "Số", "Number"),
    ("operation", "Thao tác", "Operation"),
    ("organization", "Cơ quan chủ quản", "Organization"),
    ("parent_agency", "Cơ quan chủ quản", "Parent agency"),
    ("parent_id", "Đơn vị cấp trên", "Parent unit"),
    ("phone", "Điện thoại", "Phone"),
    ("previous_status", "Trạng thái trước", "Previous status"),
    ("profile", "Hồ sơ", "Profile"),
    ("province", "Tỉnh, thành phố", "Province"),
    ("reason", "Lý do", "Reason"),
    ("replaced_reason", "Lý do thay thế", "Replacement reason"),
    ("replaces", "Thay thế cho", "Replaces"),
    ("request", "Yêu cầu", "Request"),
    ("requests", "Yêu cầu", "Requests"),
    ("revocation_reason", "Lý do thu hồi", "Revocation reason"),
    ("revoked", "Đã thu hồi", "Revoked"),
    ("revoked_at", "Thu hồi lúc", "Revoked at"),
    ("role", "Vai trò", "Role"),
    ("row", "Dòng", "Row"),
    ("rows", "Số dòng", "Rows"),
    ("serial", "Số hiệu", "Serial"),
    ("sessions_ended", "Số phiên đã kết thúc", "Sessions ended"),
    ("sha256", "Dấu vân tay SHA-256", "SHA-256 fingerprint"),
    (
        "shares_key_with",
        "Dùng chung khóa với",
        "Shares the key with",
    ),
    (
        "skipped_suspended",
        "Bỏ qua (đang tạm dừng)",
        "Skipped (suspended)",
    ),
    (
        "spki_sha256",
        "Khóa công khai (SHA-256)",
        "Public key (SHA-256)",
    ),
    ("status", "Trạng thái", "Status"),
    ("subject", "Chủ thể", "Subject"),
    ("subscriber", "Thuê bao", "Subscriber"),
    ("subscriber_id", "Thuê bao", "Subscriber"),
    ("subscribers", "Thuê bao", "Subscribers"),
    ("suspended_at", "Tạm dừng lúc", "Suspended at"),
    ("tax_code", "Mã số thuế", "Tax code"),
    ("this_update", "Cập nhật lúc", "This update"),
    ("title", "Chức vụ", "Title"),
    ("to", "Thành", "To"),
    ("token", "Thiết bị lưu khóa", "Token"),
    ("token_id", "Thiết bị lưu khóa", "Token"),
    ("tokens", "Thiết bị lưu khóa", "Tokens"),
    ("uid", "Số định danh", "Identifier"),
    ("unit", "Đơn vị", "Unit"),
    ("unit_id", "Đơn vị", "Unit"),
    ("unit_name", "Tên mới của đơn vị", "New unit name"),
    ("units", "Đơn vị", "Units"),
    ("until", "Đến", "Until"),
    ("url", "Địa chỉ", "Address"),
    ("user", "Tài khoản", "Account"),
];

/// The name of `action` in `lang`.
pub(super) fn label(lang: Lang, action: AuditAction) -> &'static str {
    match lang {
        Lang::Vi => vi(action),
        Lang::En => en(action),
    }
}

/// The Vietnamese name.
fn vi(action: AuditAction) -> &'static str {
    match action {
        AuditAction::BulkStart => "Bắt đầu cấp lại hàng loạt",
        AuditAction::CaImportCertificate => "Nhập chứng thư của CA",
        AuditAction::CaInit => "Khởi tạo hệ thống CA",
        AuditAction::CaRequestExternal => "Tạo yêu cầu chứng thư CA gửi CA cấp trên",
        AuditAction::CaUseHsmKey => "Chuyển khóa CA sang thiết bị HSM",
        AuditAction::CertificateAbandon => "Hủy bản ghi chứng thư ký không thành công",
        AuditAction::CertificateIssue => "Cấp chứng thư số",
        AuditAction::CertificateRecord => "Ghi nhận chứng thư số trước khi ký",
        AuditAction::CertificateResolveInterrupted => "Xử lý việc cấp bị gián đoạn",
        AuditAction::CertificateRestore => "Khôi phục chứng thư số",
        AuditAction::CertificateRevoke => "Thu hồi chứng thư số",
        AuditAction::CertificateSuspend => "Tạm dừng chứng thư số",
        AuditAction::CrlGenerate => "Phát hành danh sách thu hồi (CRL)",
        AuditAction::OcspSignerRotate => "Thay chứng thư ký OCSP",
        AuditAction::RequestApprove => "Phê duyệt yêu cầu",
        AuditAction::RequestFailed => "Yêu cầu thực hiện không thành công",
        AuditAction::RequestIssued => "Yêu cầu đã được thực hiện",
        AuditAction::RequestReject => "Từ chối yêu cầu",
        AuditAction::RequestRetry => "Thử lại việc cấp lại hàng loạt",
        AuditAction::RequestSubmit => "Gửi yêu cầu",
        AuditAction::SubscriberAdd => "Đăng ký thuê bao",
        AuditAction::SubscriberUpdate => "Thay đổi thông tin thuê bao",
        AuditAction::TokenAdd => "Đăng ký thiết bị lưu khóa",
        AuditAction::TokenDamaged => "Báo hỏng thiết bị lưu khóa",
        AuditAction::TokenFound => "Tìm thấy thiết bị lưu khóa",
        AuditAction::TokenLost => "Báo mất thiết bị lưu khóa",
        AuditAction::TokenRetire => "Ngừng sử dụng thiết bị lưu khóa",
        AuditAction::TokenSuspend => "Báo tạm mất thiết bị lưu khóa",
        AuditAction::UnitAdd => "Đăng ký đơn vị",
        AuditAction::UnitMerge => "Sáp nhập đơn vị",
        AuditAction::UnitRename => "Đổi tên đơn vị",
        AuditAction::UnitUpdate => "Thay đổi đơn vị cấp trên hoặc mã định danh",
        AuditAction::UserAdd => "Tạo tài khoản",
        AuditAction::UserCertificateBound => "Gắn chứng thư số với tài khoản",
        AuditAction::UserCertificateUnbound => "Gỡ chứng thư số khỏi tài khoản",
        AuditAction::UserLock => "Khóa tài khoản",
        AuditAction::UserPassword => "Đổi mật khẩu",
        AuditAction::UserSignOutEverywhere => "Đăng xuất khỏi mọi phiên",
        AuditAction::UserUnlock => "Mở khóa đăng nhập",
        AuditAction::UserReset => "Đặt lại mật khẩu tài khoản",
        AuditAction::UserDisable => "Vô hiệu hóa tài khoản",
        AuditAction::UserEnable => "Kích hoạt lại tài khoản",
        AuditAction::UserSetRole => "Đổi vai trò hoặc tỉnh, thành phố của tài khoản",
        AuditAction::EmergencyAcknowledge => "Xác nhận đã biết thao tác khẩn cấp",
    }
}

/// The English name.
fn en(action: AuditAction) -> &'static str {
    match action {
        AuditAction::BulkStart => "Bulk re-issue started",
        AuditAction::CaImportCertificate => "CA certificate imported",
        AuditAction::CaInit => "CA hierarchy created",
        AuditAction::CaRequestExternal => "External CA certificate requested",
        AuditAction::CaUseHsmKey => "CA key moved to the HSM",
        AuditAction::CertificateAbandon => "Failed issuance abandoned",
        AuditAction::CertificateIssue => "Certificate issued",
        AuditAction::CertificateRecord => "Certificate recorded before signing",
        AuditAction::CertificateResolveInterrupted => "Interrupted issuance resolved",
        AuditAction::CertificateRestore => "Certificate restored",
        AuditAction::CertificateRevoke => "Certificate revoked",
        AuditAction::CertificateSuspend => "Certificate suspended",
        AuditAction::CrlGenerate => "CRL published",
        AuditAction::OcspSignerRotate => "OCSP signer rotated",
        AuditAction::RequestApprove => "Request approved",
        AuditAction::RequestFailed => "Request failed",
        AuditAction::RequestIssued => "Request carried out",
        AuditAction::RequestReject => "Request rejected",
        AuditAction::RequestRetry => "Bulk re-issue retried",
        AuditAction::RequestSubmit => "Request submitted",
        AuditAction::SubscriberAdd => "Subscriber registered",
        AuditAction::SubscriberUpdate => "Subscriber information changed",
        AuditAction::TokenAdd => "Token registered",
        AuditAction::TokenDamaged => "Token reported damaged",
        AuditAction::TokenFound => "Token found",
        AuditAction::TokenLost => "Token reported lost",
        AuditAction::TokenRetire => "Token retired",
        AuditAction::TokenSuspend => "Token reported temporarily lost",
        AuditAction::UnitAdd => "Unit registered",
        AuditAction::UnitMerge => "Unit merged",
        AuditAction::UnitRename => "Unit renamed",
        AuditAction::UnitUpdate => "Unit parent or agency code changed",
        AuditAction::UserAdd => "Account created",
        AuditAction::UserCertificateBound => "Certificate bound to the account",
        AuditAction::UserCertificateUnbound => "Certificate unbound from the account",
        AuditAction::UserLock => "Account locked",
        AuditAction::UserPassword => "Password changed",
        AuditAction::UserSignOutEverywhere => "Signed out everywhere",
        AuditAction::UserUnlock => "Sign-in unlocked",
        AuditAction::UserReset => "Account password reset",
        AuditAction::UserDisable => "Account disabled",
        AuditAction::UserEnable => "Account enabled",
        AuditAction::UserSetRole => "Account role or province changed",
        AuditAction::EmergencyAcknowledge => "Emergency action acknowledged",
    }
}

#[cfg(test)]
mod tests {
    use ca_core::audit::AUDIT_ACTIONS;

    use super::*;

    #[test]
    fn details_read_as_a_sentence_in_either_language() {
        let d = serde_json::json!({
            "operation": "renew",
            "profile": "individual",
            "subscriber": 5,
            "token": null,
            "replaces": { "serial": "1f2e", "status": "revoked", "reason": "superseded" },
            "replaced_reason": "superseded",
            "at": "2026-12-04T23:38:38+00:00",
        });
        let vi = details(Lang::Vi, &d);
        assert_eq!(
            vi,
            "Thời điểm: 05/12/2026 06:38; Thao tác: gia hạn; Hồ sơ: Cá nhân; Lý do thay thế: Được thay thế bằng chứng thư mới; Thay thế cho: (Lý do: Được thay thế bằng chứng thư mới; Số hiệu: 1f2e; Trạng thái: Đã thu hồi); Thuê bao: 5."
        );
        let en = details(Lang::En, &d);
        assert!(
            en.starts_with("Time: 05/12/2026 06:38; Operation: renewal; Profile: Individual;"),
            "{en}"
        );
        assert_eq!(details(Lang::Vi, &serde_json::json!({})), "—");
        assert_eq!(object(Lang::Vi, "subscriber:5"), "Thuê bao số 5");
        assert_eq!(
            object(Lang::Vi, "certificate:gov-ca/1f2e"),
            "Chứng thư số 1f2e (gov-ca)"
        );
        assert_eq!(object(Lang::En, "unit:3"), "Unit 3");
    }

    #[test]
    fn every_detail_label_is_named_once_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for (key, vi, en) in DETAIL_LABELS {
            assert!(seen.insert(*key), "{key} twice");
            assert!(!vi.is_empty() && !en.is_empty(), "{key}");
        }
    }

    #[test]
    fn every_action_has_a_distinct_name_in_both_languages() {
        for lang in [Lang::Vi, Lang::En] {
            let names: std::collections::HashSet<&str> =
                AUDIT_ACTIONS.iter().map(|a| label(lang, *a)).collect();
            assert_eq!(names.len(), AUDIT_ACTIONS.len(), "{lang:?}");
            assert!(names.iter().all(|n| !n.is_empty() && !n.contains('.')));
        }
    }
}
