//! What a refusal means for a person, in Vietnamese: the message of a
//! [`PortalError`] and the form field (or CSV column) it belongs next to.
//! The checks themselves stay in the CA core and the portal's logic; this
//! only words their answers. Pages (`web`) and the CSV import both use it.

use ca_core::csr::CsrError;
use ca_core::subject::SubjectError;
use ca_core::CaError;

use crate::error::PortalError;

/// The field and the Vietnamese message of `e`.
pub(crate) fn explain(e: &PortalError) -> (&'static str, String) {
    match e {
        PortalError::Ca(ca) => ca_error(ca).unwrap_or_else(|| ("", vi_message(e))),
        PortalError::Invalid { code, message } => invalid(code, message),
        PortalError::NotFound(m) => not_found(m),
        PortalError::Conflict { code, .. } => match *code {
            "duplicate_unit" => (
                "name",
                "Tỉnh, thành phố này đã có một đơn vị cùng tên.".into(),
            ),
            "duplicate_agency_code" => (
                "agency_code",
                "Mã định danh điện tử này đã được gán cho một đơn vị khác.".into(),
            ),
            "duplicate_request" => (
                "",
                "Đã có một yêu cầu cùng loại cho đối tượng này đang chờ phê duyệt.".into(),
            ),
            "request_decided" => ("", "Yêu cầu này đã được phê duyệt hoặc từ chối.".into()),
            "unit_name_taken" => (
                "unit_name",
                "Tỉnh, thành phố này đã có một đơn vị mang tên này.".into(),
            ),
            "not_failed" => (
                "",
                "Chỉ thử lại được khi việc cấp lại hàng loạt đã kết thúc với lỗi.".into(),
            ),
            "job_busy" => ("", "Việc cấp lại hàng loạt này đang được xử lý.".into()),
            "no_bulk_job" => ("", "Yêu cầu này không có việc cấp lại hàng loạt.".into()),
            "not_issued" => ("", "Chứng thư số chưa được ký.".into()),
            "ca_key" => (
                "csr",
                "Khóa công khai trong CSR là khóa của chính tổ chức cung cấp dịch vụ chứng thực (CA hoặc máy chủ OCSP): không cấp chứng thư số cho khóa này. Thuê bao phải tạo cặp khóa riêng trên thiết bị của mình."
                    .into(),
            ),
            "key_of_another_subscriber" => (
                "csr",
                "Khóa công khai trong CSR đã được cấp chứng thư số cho một thuê bao khác: mỗi khóa chỉ thuộc về một người. Hãy tạo cặp khóa mới trên thiết bị của thuê bao."
                    .into(),
            ),
            "key_already_certified" => (
                "csr",
                "Khóa công khai này đã có chứng thư số còn hiệu lực của chính thuê bao: hãy gia hạn chứng thư đó thay vì cấp mới, hoặc tạo cặp khóa mới."
                    .into(),
            ),
            // A duplicate held in another province: `duplicate_subscriber`
            // without the holder (registry::in_scope).
            "duplicate_subscriber" => {
                let field = if e.to_string().starts_with("MST:") {
                    "tax_code"
                } else {
                    "national_id"
                };
                (
                    field,
                    "Số định danh hoặc mã số thuế này đã được đăng ký.".into(),
                )
            }
            _ => ("", vi_message(e)),
        },
        PortalError::Forbidden(_) => ("", forbidden().into()),
        PortalError::BadQuery(q) => ("", q.vietnamese.clone()),
        PortalError::OwnRequest => (
            "",
            "Bạn đã gửi yêu cầu này: một lãnh đạo khác phải phê duyệt hoặc từ chối.".into(),
        ),
        _ => ("", vi_message(e)),
    }
}

/// The message of a refusal by role or province.
pub(crate) fn forbidden() -> &'static str {
    "Bạn không có quyền thực hiện thao tác này: dữ liệu thuộc tỉnh, thành phố khác hoặc vai trò của tài khoản không cho phép."
}

/// The Vietnamese name of a request or certificate state.
pub(crate) fn state(s: &str) -> &str {
    match s {
        "submitted" => "Đã gửi",
        "approved" => "Đã duyệt",
        "rejected" => "Từ chối",
        "issued" => "Đã cấp",
        "failed" => "Lỗi",
        "good" => "Đang hoạt động",
        "suspended" => "Tạm dừng",
        "revoked" => "Đã thu hồi",
        "pending" => "Chờ ký",
        "expired" => "Hết hạn",
        "active" => "Đang dùng",
        "lost" => "Bị mất",
        "damaged" => "Bị hỏng",
        "retired" => "Ngừng sử dụng",
        "individual" => "Cá nhân",
        "organization" => "Tổ chức",
        "device" => "Thiết bị, dịch vụ",
        other => other,
    }
}

fn ca_error(e: &CaError) -> Option<(&'static str, String)> {
    Some(match e {
        CaError::Subject(s) => subject(s),
        CaError::Csr(CsrError::RsaExponentNotAllowed) => (
            "csr",
            "Khóa RSA trong CSR có số mũ công khai khác 65537: khóa như vậy không được chấp nhận. Hãy tạo cặp khóa mới với số mũ 65537.".into(),
        ),
        CaError::Csr(CsrError::WeakKey { .. }) => (
            "csr",
            "Khóa công khai trong CSR là khóa yếu (có ước số nhỏ, hai số nguyên tố quá gần nhau, hoặc do chip Infineon bị lỗi ROCA tạo ra): khóa bí mật có thể bị tính ra. Hãy tạo cặp khóa mới trên thiết bị an toàn.".into(),
        ),
        CaError::Csr(detail) => (
            "csr",
            format!("Không phải yêu cầu chứng thư (CSR PKCS#10, PEM hoặc DER) hợp lệ. Chi tiết: {detail}"),
        ),
        CaError::KeyBlocked { .. } => (
            "csr",
            "Khóa công khai trong CSR đã bị chặn (khóa bị lộ hoặc thiết bị bị mất): hãy tạo cặp khóa mới."
                .into(),
        ),
        CaError::Serial(_) => (
            "serial",
            "Số hiệu chứng thư không hợp lệ: nhập dạng thập lục phân (0-9, a-f).".into(),
        ),
        CaError::UnknownCertificate { .. } => (
            "serial",
            "Không tìm thấy chứng thư số có số hiệu này.".into(),
        ),
        CaError::UnknownSubscriber { .. } => ("subscriber_id", "Không tìm thấy thuê bao.".into()),
        CaError::UnknownToken { .. } => (
            "token",
            "Không tìm thấy thiết bị lưu khóa có số sê-ri này.".into(),
        ),
        CaError::DuplicateSubscriber { uid, existing } => {
            let (field, what) = if uid.starts_with("MST:") {
                ("tax_code", "Mã số thuế")
            } else {
                ("national_id", "Số định danh (CCCD, CMND, hộ chiếu)")
            };
            let whom = match existing {
                Some(id) => format!(" cho thuê bao số {id}"),
                None => " ở một dòng khác trong cùng tệp".to_owned(),
            };
            (
                field,
                format!("{what} {uid} đã được đăng ký{whom}: mỗi cá nhân, tổ chức chỉ đăng ký một lần."),
            )
        }
        CaError::DuplicateToken { .. } => (
            "serial",
            "Số sê-ri thiết bị này đã được đăng ký.".into(),
        ),
        CaError::TokenUnusable { serial, reason } => (
            "token",
            format!(
                "Trạng thái của thiết bị {serial} không cho phép yêu cầu này. Chi tiết: {reason}"
            ),
        ),
        CaError::InvalidTransition { serial, status, .. } => (
            "serial",
            format!(
                "Chứng thư số {serial} đang ở trạng thái “{}”: không thực hiện được yêu cầu này.",
                status_vi(status)
            ),
        ),
        CaError::SuspendDisabled { .. } => (
            "",
            "Chức năng tạm dừng chứng thư số không được bật cho CA này.".into(),
        ),
        CaError::Refused(m) => refused(m),
        _ => return None,
    })
}

fn status_vi(status: &str) -> String {
    match status.split_once(' ') {
        Some((s, rest)) => format!("{} {rest}", state(s)),
        None => state(status).to_owned(),
    }
}

fn refused(m: &str) -> (&'static str, String) {
    if m.contains("national-id is required") {
        (
            "national_id",
            "Cá nhân cần số định danh: CCCD, CMND hoặc hộ chiếu.".into(),
        )
    } else if m.contains("not MST") {
        (
            "national_id",
            "Cá nhân được định danh bằng CCCD, CMND hoặc hộ chiếu, không phải mã số thuế.".into(),
        )
    } else if m.contains("tax-code is for organizations") {
        (
            "tax_code",
            "Mã số thuế chỉ dành cho tổ chức; cá nhân dùng số CCCD.".into(),
        )
    } else if m.contains("required for an organization") {
        ("tax_code", "Tổ chức cần mã số thuế (MST).".into())
    } else if m.contains("tax-code only") {
        (
            "national_id",
            "Tổ chức chỉ cần mã số thuế; hãy bỏ trống số định danh cá nhân.".into(),
        )
    } else if m.starts_with("token serial") {
        (
            "serial",
            "Số sê-ri thiết bị gồm 1–64 chữ cái, chữ số, “-”, “_”, “.” hoặc “:”.".into(),
        )
    } else if m.contains("subscriber kind") {
        ("kind", "Loại thuê bao không hợp lệ.".into())
    } else {
        ("", format!("Yêu cầu bị từ chối: {m}"))
    }
}

/// The messages of the CA core's identity checks, in Vietnamese.
fn subject(e: &SubjectError) -> (&'static str, String) {
    match e {
        SubjectError::InvalidNationalId { value, .. } => national_id(value),
        SubjectError::UnknownProvince { .. } => (
            "province",
            "Không phải một trong 34 tỉnh, thành phố hiện hành, cũng không phải tên tỉnh cũ trước 1/7/2025."
                .into(),
        ),
        SubjectError::AmbiguousProvince { candidates, .. } => (
            "province",
            format!(
                "Tên viết không dấu khớp với nhiều tỉnh, thành phố ({}): hãy viết có dấu.",
                candidates.join(", ")
            ),
        ),
        SubjectError::NotCurrentProvinceName { expected, .. } => (
            "province",
            format!("Hãy dùng tên hiện hành: {expected}."),
        ),
        SubjectError::MissingField { field } => {
            let (name, label) = subject_field(field);
            (name, format!("{label}: bắt buộc nhập."))
        }
        SubjectError::BlankField { field } => {
            let (name, label) = subject_field(field);
            (
                name,
                format!("{label}: chỉ có khoảng trắng; hãy nhập giá trị hoặc để trống."),
            )
        }
        SubjectError::TooLong { field, max, actual } => {
            let (name, label) = subject_field(field);
            (
                name,
                format!("{label}: quá dài, {actual} ký tự (tối đa {max})."),
            )
        }
        SubjectError::ControlCharacter { field, codepoint } => {
            let (name, label) = subject_field(field);
            (
                name,
                format!("{label}: chứa ký tự điều khiển U+{codepoint:04X}; chỉ dùng văn bản in được."),
            )
        }
        SubjectError::BidiControl { field, codepoint } => {
            let (name, label) = subject_field(field);
            (
                name,
                format!("{label}: chứa ký tự điều khiển hướng văn bản U+{codepoint:04X}, làm tên hiển thị khác với nội dung thật; hãy xóa ký tự này."),
            )
        }
        SubjectError::FormatCharacter { field, codepoint } => {
            let (name, label) = subject_field(field);
            (
                name,
                format!("{label}: chứa ký tự vô hình U+{codepoint:04X}; chỉ dùng văn bản nhìn thấy được."),
            )
        }
        SubjectError::InvalidEmail { .. } => (
            "email",
            "Địa chỉ thư điện tử không hợp lệ: dạng ten@coquan.gov.vn, chỉ gồm ký tự ASCII.".into(),
        ),
        other => ("", format!("Thông tin định danh không hợp lệ: {other}")),
    }
}

/// A national identifier's message, by its kind (the prefix of `value`).
fn national_id(value: &str) -> (&'static str, String) {
    let (prefix, number) = value.split_once(':').unwrap_or(("", value));
    let number = number.trim();
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let only_digits = digits == number.chars().count();
    match prefix.trim().to_ascii_uppercase().as_str() {
        "CCCD" if !only_digits => ("national_id", "Số CCCD chỉ gồm các chữ số 0–9.".into()),
        "CCCD" => (
            "national_id",
            format!("Số CCCD phải gồm đúng 12 chữ số (đã nhập {digits} chữ số)."),
        ),
        "CMND" => (
            "national_id",
            format!("Số CMND phải gồm 9 hoặc 12 chữ số (đã nhập “{number}”)."),
        ),
        "HC" => (
            "national_id",
            "Số hộ chiếu gồm 6–12 chữ cái A–Z và chữ số, có ít nhất một chữ số.".into(),
        ),
        "MST" => (
            "tax_code",
            "Mã số thuế gồm đúng 10 chữ số, hoặc 10 chữ số, dấu “-” và 3 chữ số mã chi nhánh."
                .into(),
        ),
        _ => (
            "national_id",
            "Thiếu hoặc sai loại giấy tờ: nhập số CCCD (12 chữ số), hoặc CMND:…, HC:… trước số."
                .into(),
        ),
    }
}

/// The form field and label of a subject attribute.
fn subject_field(field: &str) -> (&'static str, &'static str) {
    match field {
        "common_name" => ("name", "Họ và tên / tên tổ chức"),
        "title" => ("title", "Chức vụ"),
        "organizational_unit" => ("unit", "Đơn vị"),
        "organization" => ("organization", "Cơ quan chủ quản"),
        "parent_agency" => ("parent_agency", "Cơ quan chủ quản"),
        "locality" => ("locality", "Địa bàn (xã, phường)"),
        "province" => ("province", "Tỉnh, thành phố"),
        "email" => ("email", "Thư điện tử"),
        "uid" => ("national_id", "Số định danh"),
        _ => ("", "Thông tin"),
    }
}

fn invalid(code: &str, message: &str) -> (&'static str, String) {
    match code {
        "invalid_name" => ("name", unit_name_rule("Tên đơn vị")),
        "invalid_agency_code" => (
            "agency_code",
            "Mã định danh điện tử của cơ quan có dạng 000.00.00.H00 (Quyết định 20/2020/QĐ-TTg), ví dụ 000.00.31.H29."
                .into(),
        ),
        "invalid_parent" => (
            "parent_id",
            "Đơn vị cấp trên phải là một đơn vị đã đăng ký của cùng tỉnh, thành phố, và không tạo thành vòng lặp."
                .into(),
        ),
        "invalid_unit_name" => ("unit_name", unit_name_rule("Tên đơn vị mới")),
        "unissuable_subject" => (
            "",
            format!(
                "Không thể thực hiện thay đổi này: sau khi đổi tên hoặc sáp nhập, thông tin của thuê bao{} trong đơn vị không còn đưa được vào chứng thư số (quá dài hoặc chứa ký tự không được phép). Hãy sửa thông tin của thuê bao hoặc của đơn vị trước.",
                subscriber_of(message)
            ),
        ),
        "invalid_unit_change" => (
            "",
            "Hãy chọn một trong hai: nhập tên mới (đổi tên) hoặc chọn đơn vị sáp nhập vào, không cả hai.".into(),
        ),
        "self_merge" => (
            "merge_into",
            "Không thể sáp nhập một đơn vị vào chính nó.".into(),
        ),
        "other_province" => (
            "merge_into",
            "Đơn vị sáp nhập vào phải thuộc cùng tỉnh, thành phố.".into(),
        ),
        "invalid_identity" => (
            "tax_code",
            "Mã số thuế gồm đúng 10 chữ số, hoặc 10 chữ số, dấu “-” và 3 chữ số mã chi nhánh."
                .into(),
        ),
        "comment_required" => ("comment", "Từ chối phải ghi rõ lý do.".into()),
        "invalid_comment" => ("comment", "Ý kiến có tối đa 2000 ký tự.".into()),
        "invalid_days" => {
            let max = message
                .split_once("1-")
                .and_then(|(_, rest)| rest.split(' ').next())
                .unwrap_or("?");
            ("days", format!("Số ngày hiệu lực phải từ 1 đến {max}."))
        }
        "invalid_reason" => (
            "reason",
            "Lý do này không dùng được cho loại yêu cầu này.".into(),
        ),
        "invalid_serial" | "not_a_subscriber_certificate" => (
            "serial",
            "Số hiệu không hợp lệ hoặc không phải chứng thư số của thuê bao.".into(),
        ),
        "token_without_holder" => ("token", "Thiết bị này chưa có người giữ.".into()),
        "csr_too_large" => ("csr", "CSR quá lớn (tối đa 64 KiB).".into()),
        "invalid_status" => ("status", "Trạng thái không hợp lệ.".into()),
        "invalid_date" => ("within", "Số ngày không hợp lệ.".into()),
        "missing_field" => missing(message),
        _ => ("", format!("Dữ liệu không hợp lệ: {message}")),
    }
}

/// The rule of a unit name (the OU of its certificates), in Vietnamese.
fn unit_name_rule(what: &str) -> String {
    format!(
        "{what} phải có từ 1 đến {} ký tự (giới hạn của trường OU trong chứng thư số, RFC 5280), không chứa ký tự điều khiển, ký tự vô hình hay ký tự đổi hướng văn bản (U+202A–U+202E, U+2066–U+2069).",
        ca_core::registry::MAX_UNIT_NAME
    )
}

/// ` số 12` for a refusal naming `subscriber 12`, or `""`.
fn subscriber_of(message: &str) -> String {
    message
        .split_once("subscriber ")
        .map(|(_, rest)| {
            let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if id.is_empty() {
                id
            } else {
                format!(" số {id}")
            }
        })
        .unwrap_or_default()
}

fn missing(message: &str) -> (&'static str, String) {
    let last = message.rsplit(' ').next().unwrap_or(message);
    match last {
        "subscriber_id" => ("subscriber_id", "Hãy chọn thuê bao.".into()),
        "csr" => (
            "csr",
            "Hãy tải lên tệp CSR hoặc dán nội dung PEM của CSR.".into(),
        ),
        "serial" => ("serial", "Hãy nhập số hiệu chứng thư số.".into()),
        "reason" => ("reason", "Hãy chọn lý do.".into()),
        "token" => ("token", "Hãy nhập số sê-ri thiết bị.".into()),
        "unit_id" => ("unit_id", "Hãy chọn đơn vị.".into()),
        _ => ("", "Hãy nhập ít nhất một thông tin thay đổi.".into()),
    }
}

fn not_found(m: &str) -> (&'static str, String) {
    if m.starts_with("no certificate") {
        (
            "serial",
            "Không tìm thấy chứng thư số có số hiệu này.".into(),
        )
    } else if m.starts_with("no token") {
        (
            "token",
            "Không tìm thấy thiết bị lưu khóa có số sê-ri này.".into(),
        )
    } else if m.starts_with("no subscriber") {
        ("subscriber_id", "Không tìm thấy thuê bao.".into())
    } else if m.starts_with("no unit") {
        ("unit_id", "Không tìm thấy đơn vị.".into())
    } else {
        ("", "Không tìm thấy.".into())
    }
}

/// The Vietnamese message of an error shown on a page.
pub(crate) fn vi_message(e: &PortalError) -> String {
    match e {
        PortalError::InvalidCredentials => {
            "Tên đăng nhập, mật khẩu hoặc mã xác thực (TOTP) không đúng.".to_owned()
        }
        PortalError::SessionExpired => "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại. Thao tác vừa rồi chưa được thực hiện.".to_owned(),
        PortalError::RateLimited => {
            "Có quá nhiều lần đăng nhập từ địa chỉ này; vui lòng thử lại sau một phút.".to_owned()
        }
        PortalError::Throttled { retry_after } => format!(
            "Đăng nhập sai quá nhiều lần: vui lòng chờ {retry_after} giây rồi thử lại, hoặc nhờ quản trị viên mở khóa."
        ),
        PortalError::CertificateRequired => "Trình duyệt chưa xuất trình chứng thư số: hãy mở cổng qua HTTPS với thiết bị ký số đã cắm và chọn chứng thư khi được hỏi.".to_owned(),
        PortalError::CertificateUnknown => "Chứng thư số này không do hệ thống này cấp.".to_owned(),
        PortalError::CertificateNotBound => "Chứng thư số này chưa được gắn với tài khoản nào: hãy đăng nhập bằng mật khẩu rồi gắn chứng thư trên trang Tài khoản của tôi.".to_owned(),
        PortalError::CertificateUnusable { status } => format!(
            "Chứng thư số này {}: không dùng để đăng nhập được.",
            match *status {
                "revoked" => "đã bị thu hồi",
                "suspended" => "đang bị tạm dừng",
                "expired" => "đã hết hạn",
                _ => "chưa có hiệu lực",
            }
        ),
        PortalError::CertificateMismatch => "Phiên đăng nhập được mở bằng một chứng thư số khác; vui lòng đăng nhập lại.".to_owned(),
        PortalError::Csrf => {
            "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ; vui lòng tải lại trang và thử lại."
                .to_owned()
        }
        PortalError::Invalid { code: "wrong_password", .. } => {
            "Mật khẩu hiện tại không đúng.".to_owned()
        }
        PortalError::Invalid { code: "weak_password", .. } => format!(
            "Mật khẩu mới phải có ít nhất {} ký tự, khác mật khẩu cũ và khác tên đăng nhập.",
            crate::password::MIN_LENGTH
        ),
        other => {
            if other.is_internal() {
                tracing::error!(error = %other, "page");
                "Lỗi hệ thống; vui lòng thử lại sau.".to_owned()
            } else {
                other.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ca_core::rule::RULES;

    use super::*;

    /// Every refusal of the CA's rules reaches the pages in Vietnamese of
    /// its own (the API and the English view show the rule's message).
    #[test]
    fn every_rule_has_its_vietnamese_wording() {
        for rule in RULES {
            let e = PortalError::from(CaError::Rule {
                rule,
                message: "days must be 1-1095 for a issue".into(),
            });
            let (_, message) = explain(&e);
            assert!(
                !message.starts_with("Dữ liệu không hợp lệ") && !message.contains("days must"),
                "{rule}: {message}"
            );
            assert_eq!(e.code().1, rule.code());
        }
    }
}
