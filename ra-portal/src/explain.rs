//! What a refusal means for a person, in Vietnamese: the message of a
//! [`PortalError`] and the form field (or CSV column) it belongs next to.
//! The checks themselves stay in the CA core and the portal's logic; this
//! only words their answers. Pages (`web`) and the CSV import both use it.

use ca_core::csr::CsrError;
use ca_core::rule::Rule;
use ca_core::subject::SubjectError;
use ca_core::CaError;

use crate::error::PortalError;
use crate::error_code::ErrorCode;

/// The field and the Vietnamese message of `e`.
pub(crate) fn explain(e: &PortalError) -> (&'static str, String) {
    match e {
        PortalError::Ca(ca) => ca_error(ca).unwrap_or_else(|| ("", vi_message(e))),
        PortalError::Invalid { code, message } | PortalError::Conflict { code, message } => {
            code_text(e, *code, message)
        }
        PortalError::NotFound(m) => not_found(m),
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
        "issued" => "Đã thực hiện",
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
        CaError::Csr(detail) => ("csr", csr(detail)),
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
        CaError::TokenUnusable { serial, reason } => ("token", token_unusable(serial, reason)),
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
        CaError::AmbiguousSerial { .. } => (
            "serial",
            "Số hiệu này khớp với chứng thư số của nhiều CA: hãy nhập đầy đủ số hiệu.".into(),
        ),
        CaError::IssuerUnavailable { .. } => (
            "",
            "CA cấp chứng thư này hiện không dùng được (chứng thư của CA đã hết hạn hoặc bị thu hồi).".into(),
        ),
        CaError::UnknownIssuer { .. } => ("", "Không tìm thấy CA cấp.".into()),
        CaError::Profile(_) => ("profile", "Mẫu chứng thư số (profile) không hợp lệ.".into()),
        CaError::NotInitialized => (
            "",
            "Hệ thống CA chưa được khởi tạo; hãy liên hệ quản trị viên.".into(),
        ),
        _ => return None,
    })
}

/// The Vietnamese message of a refused CSR, one wording per kind of fault.
fn csr(e: &CsrError) -> String {
    const NOT_A_CSR: &str = "Không phải yêu cầu chứng thư (CSR PKCS#10, PEM hoặc DER) hợp lệ";
    match e {
        CsrError::NotPemOrDer => format!(
            "{NOT_A_CSR}: tệp không ở dạng PEM (“-----BEGIN CERTIFICATE REQUEST-----”) hay DER."
        ),
        CsrError::UnexpectedPemLabel { .. } => format!(
            "{NOT_A_CSR}: tệp là một khối PEM khác (chứng thư số hoặc khóa bí mật?), không phải yêu cầu chứng thư (“CERTIFICATE REQUEST”)."
        ),
        CsrError::Malformed { .. } => {
            format!("{NOT_A_CSR}: nội dung bị cắt ngắn hoặc sai cấu trúc ASN.1.")
        }
        CsrError::UnsupportedVersion { version } => format!(
            "{NOT_A_CSR}: phiên bản {version} không được hỗ trợ (chỉ có phiên bản 1)."
        ),
        CsrError::UnsupportedSignatureAlgorithm { .. } | CsrError::UnsupportedPssParameters { .. } => {
            "CSR được ký bằng thuật toán không được chấp nhận: dùng RSA hoặc ECDSA với SHA-256, SHA-384 hoặc SHA-512.".into()
        }
        CsrError::SignatureKeyMismatch { .. } => {
            "Thuật toán ký của CSR không khớp với loại khóa công khai.".into()
        }
        CsrError::BadSignature => {
            "Chữ ký của CSR không hợp lệ: CSR đã bị sửa đổi hoặc không được ký bằng khóa bí mật tương ứng.".into()
        }
        CsrError::UnsupportedKeyAlgorithm { .. } => {
            "Loại khóa công khai không được chấp nhận: chỉ dùng RSA (2048 bit trở lên) hoặc ECDSA P-256, P-384.".into()
        }
        CsrError::UnsupportedCurve { .. } => {
            "Đường cong elliptic không được chấp nhận: chỉ dùng P-256 hoặc P-384.".into()
        }
        CsrError::InvalidPublicKey { .. } => {
            "Khóa công khai trong CSR được mã hóa sai.".into()
        }
        CsrError::RsaKeyTooSmall { bits, min } => format!(
            "Khóa RSA {bits} bit quá ngắn: tối thiểu {min} bit."
        ),
        CsrError::RsaKeyTooLarge { bits, max } => format!(
            "Khóa RSA {bits} bit quá dài: tối đa {max} bit."
        ),
        CsrError::RsaExponentNotAllowed => "Khóa RSA trong CSR có số mũ công khai khác 65537: khóa như vậy không được chấp nhận. Hãy tạo cặp khóa mới với số mũ 65537.".into(),
        CsrError::WeakKey { .. } => "Khóa công khai trong CSR là khóa yếu (có ước số nhỏ, hai số nguyên tố quá gần nhau, hoặc do chip Infineon bị lỗi ROCA tạo ra): khóa bí mật có thể bị tính ra. Hãy tạo cặp khóa mới trên thiết bị an toàn.".into(),
        _ => format!("{NOT_A_CSR}."),
    }
}

/// Why a token cannot take the request, in Vietnamese. ca-core words the
/// reason as "it is {state}…" or "it is not held by subscriber {id}".
fn token_unusable(serial: &str, reason: &str) -> String {
    if let Some(rest) = reason.strip_prefix("it is not held by subscriber ") {
        let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return format!(
            "Thiết bị {serial} không do thuê bao số {id} giữ: chọn thiết bị của chính thuê bao."
        );
    }
    let word = reason
        .strip_prefix("it is ")
        .map(|r| r.split([':', ' ']).next().unwrap_or(r))
        .unwrap_or("");
    format!(
        "Thiết bị {serial} đang ở trạng thái “{}”: không dùng được cho yêu cầu này.",
        state(word)
    )
}

/// A certificate's status as ca-core describes it in a refusal
/// (`revoked (key-compromise)`), in Vietnamese.
fn status_vi(status: &str) -> String {
    match status.split_once(" (") {
        Some((_, "superseded)")) => "Đã được thay thế".to_owned(),
        Some((s, rest)) => {
            let reason_name = rest.trim_end_matches(')');
            format!("{} ({})", state(s), reason(reason_name))
        }
        None => state(status).to_owned(),
    }
}

/// The Vietnamese label of a revocation reason (its kebab-case name):
/// `key-compromise` is "Lộ khóa bí mật".
pub(crate) fn reason(s: &str) -> &str {
    match s {
        "unspecified" => "Không nêu lý do",
        "key-compromise" => "Lộ khóa bí mật",
        "ca-compromise" => "CA bị lộ khóa",
        "affiliation-changed" => "Thay đổi cơ quan công tác",
        "superseded" => "Được thay thế bằng chứng thư mới",
        "cessation-of-operation" => "Ngừng hoạt động",
        "certificate-hold" => "Tạm dừng",
        "privilege-withdrawn" => "Bị rút quyền",
        "aa-compromise" => "Cơ quan cấp thuộc tính bị lộ khóa",
        other => other,
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
    } else if m.starts_with("re-issue needs a new key") {
        (
            "csr",
            "Cấp lại cần cặp khóa mới: CSR này mang khóa của chứng thư cũ.".into(),
        )
    } else if m.contains("invalidity date is in the future") {
        (
            "invalidity_date",
            "Ngày khóa bị lộ không được ở tương lai.".into(),
        )
    } else {
        tracing::info!(
            refusal = m,
            "a CA refusal without a Vietnamese wording of its own"
        );
        ("", "Hệ thống CA từ chối yêu cầu này.".into())
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
        _ => ("", "Thông tin định danh không hợp lệ.".into()),
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

/// The field and the Vietnamese message of a refusal with `code`: one arm
/// per code, so a code added without its wording does not compile.
fn code_text(e: &PortalError, code: ErrorCode, message: &str) -> (&'static str, String) {
    let quoted = || message.split('"').nth(1).unwrap_or_default().to_owned();
    match code {
        ErrorCode::Rule(rule) => rule_text(e, rule, message),
        ErrorCode::AlreadyAcknowledged => ("", "Thao tác khẩn cấp này đã được xác nhận.".into()),
        ErrorCode::AlreadyDisabled => ("", "Tài khoản này đã bị vô hiệu hóa.".into()),
        ErrorCode::AlreadyEnabled => ("", "Tài khoản này đang hoạt động.".into()),
        ErrorCode::LastAdmin => (
            "",
            "Đây là quản trị viên cuối cùng còn hoạt động: không thể vô hiệu hóa hoặc đổi vai trò. Hãy cấp quyền quản trị cho một tài khoản khác trước.".into(),
        ),
        ErrorCode::NoChange => ("role", "Tài khoản đã có vai trò và tỉnh, thành phố này.".into()),
        ErrorCode::BadXlsx => ("file", "Tệp không phải bảng tính Excel (.xlsx) hợp lệ.".into()),
        ErrorCode::CellTooLong => ("file", "Có ô quá dài trong tệp: hãy kiểm tra lại tệp.".into()),
        ErrorCode::NoHeader => (
            "file",
            "Không tìm thấy dòng tiêu đề ở các dòng đầu của tệp: hãy dùng tệp mẫu.".into(),
        ),
        ErrorCode::NotXlsx => (
            "file",
            "Tệp có đuôi .xlsx nhưng không phải bảng tính Excel.".into(),
        ),
        ErrorCode::SheetTooLarge => ("file", "Trang tính quá lớn (quá nhiều dòng hoặc cột).".into()),
        ErrorCode::ZipBomb => (
            "file",
            "Tệp bị từ chối: khi giải nén, tệp lớn bất thường.".into(),
        ),
        ErrorCode::InvalidLimit => ("limit", "Số dòng mỗi trang không hợp lệ.".into()),
        ErrorCode::InvalidSubscriber => ("subscriber_id", "Mã thuê bao không hợp lệ.".into()),
        ErrorCode::AlreadyDecided => ("", "Lô yêu cầu này đã được phê duyệt hoặc từ chối.".into()),
        ErrorCode::FileTooLarge => ("files", "Có tệp lớn hơn 64 KiB (sau khi giải nén): đó không phải là một CSR.".into()),
        ErrorCode::InvalidZip => ("files", "Tệp .zip bị hỏng hoặc không phải tệp .zip.".into()),
        ErrorCode::NestedZip => ("files", "Tệp .zip chứa một tệp nén khác: hãy đặt tất cả tệp CSR vào một tệp .zip duy nhất.".into()),
        ErrorCode::NoCertificates => ("", "Chưa có chứng thư số nào được cấp.".into()),
        ErrorCode::NoFiles => ("files", "Hãy chọn các tệp CSR hoặc một tệp .zip.".into()),
        ErrorCode::NoPeople => ("filter", "Không có người nào của đơn vị khớp với bộ lọc.".into()),
        ErrorCode::TooManyFiles => ("files", "Quá nhiều tệp: tối đa 1000 tệp trong một lô.".into()),
        ErrorCode::TooManyPeople => ("filter", "Quá nhiều người: tối đa 1000 người trong một lô.".into()),
        ErrorCode::UnsafeFileName => ("files", "Tệp .zip chứa tên tệp không hợp lệ (đường dẫn tuyệt đối hoặc “..”).".into()),
        ErrorCode::ZipTooLarge => ("files", "Tổng dung lượng các tệp sau khi giải nén vượt quá 16 MiB.".into()),
        ErrorCode::BadBody => ("", "Không đọc được dữ liệu gửi lên (quá lớn hoặc bị cắt ngang).".into()),
        ErrorCode::BadCsv => ("file", "Tệp không đúng định dạng CSV.".into()),
        ErrorCode::BadJson => ("", "Dữ liệu gửi lên không đúng cấu trúc JSON yêu cầu.".into()),
        ErrorCode::CertificateBound => (
            "",
            "Chứng thư số này đã được gắn với một tài khoản.".into(),
        ),
        ErrorCode::CommentRequired => ("comment", "Từ chối phải ghi rõ lý do.".into()),
        ErrorCode::CsrTooLarge => ("csr", "CSR quá lớn (tối đa 64 KiB).".into()),
        ErrorCode::DuplicateColumn => ("file", format!("Cột “{}” xuất hiện hai lần.", quoted())),
        ErrorCode::DuplicateInFile => (
            "national_id",
            "Số định danh hoặc mã số thuế này xuất hiện hai lần trong tệp.".into(),
        ),
        ErrorCode::DuplicateRequest => (
            "",
            "Đã có một yêu cầu cùng loại cho đối tượng này đang chờ phê duyệt.".into(),
        ),
        // A duplicate held in another province: `duplicate_subscriber`
        // without the holder (registry::in_scope).
        ErrorCode::DuplicateSubscriber => {
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
        ErrorCode::DuplicateUser => ("username", "Tên đăng nhập này đã có người dùng.".into()),
        ErrorCode::EmptyFile => (
            "file",
            "Tệp rỗng: cần một dòng tiêu đề và ít nhất một dòng dữ liệu.".into(),
        ),
        ErrorCode::FieldNotAllowed => (
            "",
            format!("Thông tin “{}” không dùng cho loại yêu cầu này.", quoted()),
        ),
        ErrorCode::InvalidComment => ("comment", "Ý kiến có tối đa 2000 ký tự.".into()),
        ErrorCode::InvalidDate => (
            "",
            "Ngày không hợp lệ: nhập theo dạng năm-tháng-ngày (YYYY-MM-DD).".into(),
        ),
        ErrorCode::InvalidDepartment => (
            "department",
            "Tên phòng ban có tối đa 200 ký tự và không chứa ký tự điều khiển.".into(),
        ),
        ErrorCode::InvalidKind => ("kind", "Loại yêu cầu không hợp lệ.".into()),
        ErrorCode::InvalidPage => ("page", "Số trang không hợp lệ.".into()),
        ErrorCode::InvalidPerPage => ("per_page", "Số dòng mỗi trang không hợp lệ.".into()),
        ErrorCode::InvalidPeriod => (
            "",
            "Khoảng thời gian không hợp lệ: ngày bắt đầu sau ngày kết thúc.".into(),
        ),
        ErrorCode::InvalidProvince | ErrorCode::UnknownProvince => (
            "province",
            "Không phải một trong 34 tỉnh, thành phố hiện hành.".into(),
        ),
        ErrorCode::InvalidRole => ("role", "Vai trò không hợp lệ.".into()),
        ErrorCode::InvalidSerial => (
            "serial",
            "Số hiệu không hợp lệ hoặc không phải chứng thư số của thuê bao.".into(),
        ),
        ErrorCode::InvalidState => ("state", "Trạng thái yêu cầu không hợp lệ.".into()),
        ErrorCode::InvalidStatus => ("status", "Trạng thái không hợp lệ.".into()),
        ErrorCode::InvalidUnit => ("unit_id", "Đơn vị không hợp lệ.".into()),
        ErrorCode::InvalidUsername => (
            "username",
            "Tên đăng nhập gồm 3–64 ký tự a-z, 0-9, “.”, “_” hoặc “-”.".into(),
        ),
        ErrorCode::JobBusy => ("", "Việc cấp lại hàng loạt này đang được xử lý.".into()),
        ErrorCode::MissingColumn => ("file", format!("Thiếu cột bắt buộc “{}”.", quoted())),
        ErrorCode::MissingField => missing(message),
        ErrorCode::NoBulkJob => ("", "Yêu cầu này không có việc cấp lại hàng loạt.".into()),
        ErrorCode::NotFailed => (
            "",
            "Chỉ thử lại được khi việc cấp lại hàng loạt đã kết thúc với lỗi.".into(),
        ),
        ErrorCode::NotIssued => ("", "Chứng thư số chưa được ký.".into()),
        ErrorCode::NotUtf8 => (
            "file",
            "Tệp không phải văn bản UTF-8: hãy lưu lại bằng “CSV UTF-8”.".into(),
        ),
        ErrorCode::ProvinceNotAllowed => (
            "province",
            "Vai trò này phụ trách mọi tỉnh, thành phố: để trống tỉnh, thành phố.".into(),
        ),
        ErrorCode::ProvinceRequired => (
            "province",
            "Vai trò này cần chọn một tỉnh, thành phố.".into(),
        ),
        ErrorCode::RequestDecided => ("", "Yêu cầu này đã được phê duyệt hoặc từ chối.".into()),
        ErrorCode::TooManyRows => ("file", "Tệp có quá nhiều dòng: hãy chia thành nhiều tệp.".into()),
        ErrorCode::UnitNotInProvince => (
            "unit",
            "Đơn vị này không thuộc tỉnh, thành phố đã chọn.".into(),
        ),
        ErrorCode::UnknownColumn => ("file", format!("Cột “{}” không được hỗ trợ.", quoted())),
        ErrorCode::UnknownFormat => (
            "",
            "Định dạng tải về không hợp lệ: dùng .pem, .der hoặc .p7b.".into(),
        ),
        ErrorCode::UnknownUnit => (
            "unit_id",
            "Không có đơn vị này trong danh mục đơn vị của tỉnh, thành phố: hãy chọn một đơn vị đã đăng ký.".into(),
        ),
        ErrorCode::WeakPassword => (
            "new",
            format!(
                "Mật khẩu mới phải có ít nhất {} ký tự, khác mật khẩu cũ và khác tên đăng nhập.",
                crate::password::MIN_LENGTH
            ),
        ),
        ErrorCode::WrongPassword => ("old", "Mật khẩu hiện tại không đúng.".into()),
    }
}

/// The field and the Vietnamese message of a refusal by a rule of the CA.
fn rule_text(e: &PortalError, rule: Rule, message: &str) -> (&'static str, String) {
    match rule {
        Rule::DuplicateUnit => (
            "name",
            "Tỉnh, thành phố này đã có một đơn vị cùng tên.".into(),
        ),
        Rule::DuplicateAgencyCode => (
            "agency_code",
            "Mã định danh điện tử này đã được gán cho một đơn vị khác.".into(),
        ),
        Rule::UnitNameTaken => (
            "unit_name",
            "Tỉnh, thành phố này đã có một đơn vị mang tên này.".into(),
        ),
        Rule::CaKey => (
            "csr",
            "Khóa công khai trong CSR là khóa của chính tổ chức cung cấp dịch vụ chứng thực (CA hoặc máy chủ OCSP): không cấp chứng thư số cho khóa này. Thuê bao phải tạo cặp khóa riêng trên thiết bị của mình."
                .into(),
        ),
        Rule::KeyOfAnotherSubscriber => (
            "csr",
            "Khóa công khai trong CSR đã được cấp chứng thư số cho một thuê bao khác: mỗi khóa chỉ thuộc về một người. Hãy tạo cặp khóa mới trên thiết bị của thuê bao."
                .into(),
        ),
        Rule::KeyAlreadyCertified => (
            "csr",
            "Khóa công khai này đã có chứng thư số còn hiệu lực của chính thuê bao: hãy gia hạn chứng thư đó thay vì cấp mới, hoặc tạo cặp khóa mới."
                .into(),
        ),
        Rule::RenewalCannotExtend => (
            "days",
            "Không gia hạn được: chứng thư số của CA cấp hết hạn trước khi chứng thư gia hạn có thể kéo dài quá ngày hết hạn của chứng thư hiện tại.".into(),
        ),
        Rule::UnknownUnit => (
            "unit",
            "Không có đơn vị này trong danh mục đơn vị của tỉnh, thành phố: hãy chọn một đơn vị đã đăng ký (tên phải trùng khớp, kể cả chữ hoa, chữ thường).".into(),
        ),
        Rule::InvalidPhone => (
            "phone",
            "Số điện thoại không hợp lệ: nhập số Việt Nam gồm số 0 và 9 hoặc 10 chữ số (ví dụ 0912 345 678, 0292 3820 123), hoặc +84 và các chữ số sau số 0; được dùng dấu cách, dấu chấm, dấu gạch ngang.".into(),
        ),
        Rule::InvalidName => ("name", unit_name_rule("Tên đơn vị")),
        Rule::InvalidAgencyCode => (
            "agency_code",
            "Mã định danh điện tử của cơ quan có dạng 000.00.00.H00 (Quyết định 20/2020/QĐ-TTg), ví dụ 000.00.31.H29."
                .into(),
        ),
        Rule::InvalidParent => (
            "parent_id",
            "Đơn vị cấp trên phải là một đơn vị đã đăng ký của cùng tỉnh, thành phố, và không tạo thành vòng lặp."
                .into(),
        ),
        Rule::InvalidUnitName => ("unit_name", unit_name_rule("Tên đơn vị mới")),
        Rule::UnissuableSubject => (
            "",
            format!(
                "Không thể thực hiện thay đổi này: sau khi đổi tên hoặc sáp nhập, thông tin của thuê bao{} trong đơn vị không còn đưa được vào chứng thư số (quá dài hoặc chứa ký tự không được phép). Hãy sửa thông tin của thuê bao hoặc của đơn vị trước.",
                subscriber_of(message)
            ),
        ),
        Rule::InvalidUnitChange => (
            "",
            "Hãy chọn một trong hai: nhập tên mới (đổi tên) hoặc chọn đơn vị sáp nhập vào, không cả hai.".into(),
        ),
        Rule::SelfMerge => (
            "merge_into",
            "Không thể sáp nhập một đơn vị vào chính nó.".into(),
        ),
        Rule::OtherProvince => (
            "merge_into",
            "Đơn vị sáp nhập vào phải thuộc cùng tỉnh, thành phố.".into(),
        ),
        Rule::InvalidIdentity => (
            "tax_code",
            "Mã số thuế gồm đúng 10 chữ số, hoặc 10 chữ số, dấu “-” và 3 chữ số mã chi nhánh."
                .into(),
        ),
        Rule::InvalidDays => {
            let max = message
                .split_once("1-")
                .and_then(|(_, rest)| rest.split(' ').next())
                .unwrap_or("?");
            ("days", format!("Số ngày hiệu lực phải từ 1 đến {max}."))
        }
        Rule::InvalidReason => (
            "reason",
            "Lý do này không dùng được cho loại yêu cầu này.".into(),
        ),
        Rule::NotASubscriberCertificate => (
            "serial",
            "Số hiệu không hợp lệ hoặc không phải chứng thư số của thuê bao.".into(),
        ),
        Rule::TokenWithoutHolder => ("token", "Thiết bị này chưa có người giữ.".into()),
        Rule::MissingField => missing(message),
        // `Rule` is non-exhaustive; the test below proves every rule known
        // today has its own wording.
        _ => ("", format!("Yêu cầu bị từ chối ({}).", e.code().1)),
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
    } else if m.starts_with("no user") {
        ("", "Không tìm thấy tài khoản.".into())
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
        PortalError::Invalid { code, message } | PortalError::Conflict { code, message } => {
            code_text(e, *code, message).1
        }
        PortalError::Unauthenticated => "Vui lòng đăng nhập.".to_owned(),
        PortalError::PasswordChangeRequired => {
            "Hãy đổi mật khẩu dùng một lần trước khi tiếp tục.".to_owned()
        }
        PortalError::TooLarge { limit } => format!("Dữ liệu gửi lên quá lớn (tối đa {limit})."),
        PortalError::UnknownPath(_) | PortalError::NotFound(_) => not_found(&e.to_string()).1,
        PortalError::Forbidden(_) => forbidden().to_owned(),
        PortalError::OwnRequest => {
            "Bạn đã gửi yêu cầu này: một lãnh đạo khác phải phê duyệt hoặc từ chối.".to_owned()
        }
        other => {
            if other.is_internal() {
                tracing::error!(error = %other, "page");
                "Lỗi hệ thống; vui lòng thử lại sau.".to_owned()
            } else {
                tracing::info!(error = %other, "a refusal without a Vietnamese wording of its own");
                "Yêu cầu không thực hiện được.".to_owned()
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

    /// Every error code, the portal's own and the CA's rules, has a
    /// Vietnamese wording of its own and an English one, and they differ;
    /// the API keeps answering with the code's stable string.
    #[test]
    fn every_error_code_has_both_texts() {
        let mut seen = 0;
        for code in ErrorCode::all() {
            seen += 1;
            let e = PortalError::invalid(code, "a \"x\" message in English: 1-30 subscriber 5");
            let (_, vi) = explain(&e);
            let en = code.english();
            assert!(!vi.is_empty() && !en.is_empty(), "{code}");
            assert_ne!(vi, en, "{code}");
            assert!(
                !vi.contains("message in English") && !vi.starts_with("Yêu cầu bị từ chối ("),
                "{code} has no Vietnamese wording of its own: {vi}"
            );
            assert!(
                vi.chars().any(|c| {
                    "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý".contains(c)
                }),
                "{code}: {vi}"
            );
            assert_eq!(e.code().1, code.as_str());
            let conflict = PortalError::conflict(code, "x");
            assert_eq!(conflict.code(), (409, code.as_str()));
        }
        assert_eq!(seen, PORTAL_CODES_AND_RULES);
    }

    const PORTAL_CODES_AND_RULES: usize = crate::error_code::PORTAL_CODES.len() + RULES.len();

    /// A refused CSR or token reads in Vietnamese, without the CA's English.
    #[test]
    fn csr_and_token_refusals_are_vietnamese() {
        let e = PortalError::Ca(CaError::Csr(CsrError::UnexpectedPemLabel {
            label: "PRIVATE KEY".into(),
        }));
        let (field, vi) = explain(&e);
        assert_eq!(field, "csr");
        assert!(
            !vi.contains("PEM block labelled") && vi.contains("khóa bí mật"),
            "{vi}"
        );
        let e = PortalError::Ca(CaError::TokenUnusable {
            serial: "TK-1".into(),
            reason: "it is not held by subscriber 5".into(),
        });
        let (_, vi) = explain(&e);
        assert_eq!(
            vi,
            "Thiết bị TK-1 không do thuê bao số 5 giữ: chọn thiết bị của chính thuê bao."
        );
        let e = PortalError::Ca(CaError::TokenUnusable {
            serial: "TK-1".into(),
            reason: "it is lost".into(),
        });
        assert!(explain(&e).1.contains("“Bị mất”"), "{}", explain(&e).1);
    }
}
