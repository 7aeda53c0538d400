//! The English wording of the pages' Vietnamese texts (see [`super::lang`]).
//! A test reads every `.t("…")` and `.tf("…"` in `src/web/` and fails when
//! a text has no entry here (or an entry whose `{}` placeholders differ),
//! so a page never shows a half-translated English view.

use std::collections::HashMap;
use std::sync::OnceLock;

/// (Vietnamese, English), in the order the pages use them.
const TABLE: &[(&str, &str)] = &[
    // Layout and navigation.
    ("Cổng đăng ký chứng thư số", "Certificate registration portal"),
    ("Điều hướng chính", "Main navigation"),
    ("Bảng điều khiển", "Dashboard"),
    ("Đơn vị", "Units"),
    ("Thuê bao", "Subscribers"),
    ("Thiết bị lưu khóa", "Tokens"),
    ("Yêu cầu", "Requests"),
    ("Yêu cầu mới", "New request"),
    ("Chứng thư số", "Certificates"),
    ("Báo cáo", "Reports"),
    ("Nhật ký kiểm toán", "Audit log"),
    ("Đăng xuất", "Sign out"),
    ("chưa có dữ liệu.", "nothing yet."),
    // Roles.
    ("Quản trị viên", "Administrator"),
    ("Cán bộ đăng ký (RA)", "Registration officer (RA)"),
    ("Lãnh đạo phê duyệt", "Approver"),
    ("Kiểm toán viên", "Auditor"),
    // Sign-in and password.
    ("Đăng nhập", "Sign in"),
    ("Tên đăng nhập", "Username"),
    ("Mật khẩu", "Password"),
    ("Mã xác thực (TOTP)", "Authentication code (TOTP)"),
    (
        "Mã xác thực bắt buộc với quản trị viên và lãnh đạo phê duyệt.",
        "Administrators and approvers must enter an authentication code.",
    ),
    ("Đổi mật khẩu", "Change password"),
    ("Mật khẩu hiện tại", "Current password"),
    ("Mật khẩu mới", "New password"),
    ("Nhập lại mật khẩu mới", "New password again"),
    ("Mật khẩu nhập lại không khớp.", "The two new passwords differ."),
    (
        "Bạn đang dùng mật khẩu một lần: hãy đặt mật khẩu mới (ít nhất 12 ký tự) trước khi tiếp tục.",
        "You are using a one-time password: set a new password (at least 12 characters) before you go on.",
    ),
    (
        "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại. Thao tác vừa rồi chưa được thực hiện.",
        "Your session has expired; please sign in again. What you just did was not carried out.",
    ),
    ("Lỗi", "Error"),
    ("Lỗi hệ thống.", "System error."),
    ("Quay lại", "Back"),
    // Dashboard.
    ("Tài khoản", "Account"),
    ("Vai trò", "Role"),
    ("Tỉnh, thành phố", "Province or city"),
    ("Tất cả tỉnh, thành phố", "Every province and city"),
    ("Yêu cầu chờ phê duyệt", "Requests awaiting approval"),
    ("Xem các yêu cầu chờ phê duyệt", "See the requests awaiting approval"),
    ("Tìm kiếm chứng thư số", "Search certificates"),
    // Error pages.
    ("Không có quyền truy cập", "Access denied"),
    ("Không tìm thấy", "Not found"),
    ("Không thực hiện được", "Could not be done"),
    ("Về bảng điều khiển", "Back to the dashboard"),
    // Subscribers.
    ("Đăng ký thuê bao mới", "Register a subscriber"),
    ("Nhập danh sách từ tệp CSV", "Import a list from a CSV file"),
    ("Tìm kiếm", "Search"),
    ("Tìm theo họ tên, số CCCD hoặc mã số thuế", "Search by name, CCCD or tax code"),
    ("Họ và tên / tên tổ chức", "Full name / organization name"),
    ("Loại", "Kind"),
    ("Số định danh", "Identifier"),
    ("Chức vụ", "Title"),
    ("Cơ quan chủ quản", "Parent agency"),
    ("Thư điện tử", "E-mail"),
    ("Điện thoại", "Phone"),
    ("Yêu cầu cấp mới chứng thư số", "Request a new certificate"),
    ("Chứng thư số của thuê bao", "The subscriber's certificates"),
    ("Số hiệu", "Serial number"),
    ("Trạng thái", "Status"),
    ("Hết hạn", "Expires"),
    ("Chủ thể", "Subject"),
    ("Thiết bị lưu khóa của thuê bao", "The subscriber's tokens"),
    ("Số sê-ri", "Serial number"),
    ("— Không chọn —", "— None —"),
    ("Cá nhân (Mẫu 01)", "Individual (form 01)"),
    ("Tổ chức (Mẫu 02)", "Organization (form 02)"),
    ("Đăng ký thuê bao", "Register a subscriber"),
    ("Loại thuê bao", "Kind of subscriber"),
    ("Số CCCD (cá nhân; hoặc CMND:…, HC:…)", "CCCD number (individuals; or CMND:…, HC:…)"),
    ("Mã số thuế (tổ chức)", "Tax code (organizations)"),
    ("Địa bàn (xã, phường)", "Locality (commune, ward)"),
    ("Thư điện tử công vụ", "Official e-mail"),
    ("Thuê bao: {}", "Subscriber: {}"),
    // == Units, tokens, requests, request forms, bulk re-issue ==
    // Units and tokens.
    ("Hãy chọn đơn vị cấp trên trong danh sách.", "Choose the parent unit from the list."),
    ("Hãy chọn người giữ thiết bị.", "Choose the holder of the token."),
    ("— Không có —", "— None —"),
    ("Đăng ký đơn vị", "Register a unit"),
    ("Đơn vị cấp trên", "Parent unit"),
    ("Mã định danh điện tử của cơ quan (QĐ 20/2020/QĐ-TTg)", "Agency electronic identifier (Decision 20/2020/QĐ-TTg)"),
    ("Tên đơn vị", "Unit name"),
    ("Mã số thuế (MST)", "Tax code"),
    ("Mã số thuế", "Tax code"),
    ("Mã định danh điện tử", "Electronic identifier"),
    ("— Chọn người giữ —", "— Choose the holder —"),
    ("Đăng ký thiết bị lưu khóa", "Register a token"),
    ("Đăng ký thiết bị", "Register the token"),
    ("Người giữ", "Holder"),
    ("Thiết bị lưu khóa bí mật", "Private key tokens"),
    ("— Chọn tỉnh, thành phố —", "— Choose a province or city —"),
    // Request list and a request's page.
    ("Tất cả", "All"),
    ("Lọc theo trạng thái", "Filter by status"),
    ("Số", "No."),
    ("Gửi lúc", "Submitted at"),
    ("Loại yêu cầu", "Kind of request"),
    ("Số hiệu chứng thư", "Certificate serial number"),
    ("Lý do", "Reason"),
    ("Số ngày hiệu lực", "Validity (days)"),
    ("Tên mới của đơn vị", "New unit name"),
    ("Sáp nhập vào đơn vị", "Merged into unit"),
    ("Cấp lại hàng loạt", "Bulk re-issue"),
    ("Xem tiến độ", "See the progress"),
    ("Gửi yêu cầu", "Submit request"),
    ("Từ chối", "Reject"),
    ("Phê duyệt", "Approve"),
    ("CA thực hiện xong", "Carried out by the CA"),
    ("CA thực hiện lỗi", "Failed at the CA"),
    ("Chứng thư số đã cấp", "Issued certificate"),
    ("Tải về PEM", "Download PEM"),
    ("Tải về DER", "Download DER"),
    ("Tải về chuỗi chứng thư (.p7b)", "Download the certificate chain (.p7b)"),
    ("Quyết định", "Decision"),
    ("Ý kiến (không bắt buộc)", "Comment (optional)"),
    ("Lý do từ chối (bắt buộc)", "Reason for rejection (required)"),
    ("Các bước", "Steps"),
    ("Các bước xử lý", "Processing steps"),
    ("Bước", "Step"),
    ("Người thực hiện", "By"),
    ("Thời điểm (UTC)", "Time (UTC)"),
    ("Ý kiến", "Comment"),
    ("Yêu cầu #{}", "Request #{}"),
    // Request forms.
    (
        "Không đọc được biểu mẫu (tệp quá lớn hoặc dữ liệu hỏng); vui lòng thử lại.",
        "The form could not be read (the file is too large or the data is damaged); please try again.",
    ),
    ("Cấp mới chứng thư số", "Issue a certificate"),
    ("Gia hạn chứng thư số", "Renew a certificate"),
    ("Thay đổi nội dung thông tin", "Change of information"),
    ("Cấp lại (khóa mới)", "Re-issue (new key)"),
    ("Tạm dừng chứng thư số", "Suspend a certificate"),
    ("Khôi phục chứng thư số", "Restore a certificate"),
    ("Thu hồi chứng thư số", "Revoke a certificate"),
    ("Báo tạm mất thiết bị lưu khóa", "Token temporarily missing"),
    ("Báo tìm thấy thiết bị lưu khóa (đã tạm mất)", "Token found (was missing)"),
    ("Báo mất thiết bị lưu khóa", "Token reported lost"),
    ("Báo hỏng thiết bị lưu khóa", "Token reported damaged"),
    ("Ngừng sử dụng thiết bị lưu khóa", "Retire a token"),
    ("Đổi tên hoặc sáp nhập đơn vị (cấp lại hàng loạt)", "Rename or merge a unit (bulk re-issue)"),
    ("Hãy chọn thuê bao.", "Choose a subscriber."),
    ("Số ngày hiệu lực phải là một số nguyên dương.", "The validity must be a positive whole number of days."),
    ("Hãy chọn đơn vị.", "Choose a unit."),
    ("Hãy chọn đơn vị sáp nhập vào.", "Choose the unit to merge into."),
    ("Chỉ tải lên tệp CSR hoặc dán nội dung PEM, không cả hai.", "Upload a CSR file or paste the PEM text, not both."),
    ("Tệp CSR quá lớn (tối đa 8 KiB).", "The CSR file is too large (8 KiB at most)."),
    ("— Chọn lý do —", "— Choose a reason —"),
    ("Không nêu lý do", "Unspecified"),
    ("Khóa bí mật bị lộ", "Key compromise"),
    ("Thay đổi cơ quan công tác", "Affiliation changed"),
    ("Được thay thế bằng chứng thư khác", "Superseded by another certificate"),
    ("Ngừng hoạt động (nghỉ hưu, giải thể, …)", "Cessation of operation (retirement, dissolution, …)"),
    ("Được thay thế (mặc định)", "Superseded (default)"),
    ("Được thay thế", "Superseded"),
    ("— Chọn thuê bao —", "— Choose a subscriber —"),
    (" (không bắt buộc: chỉ khi dùng khóa mới)", " (optional: only with a new key)"),
    ("Hoặc dán nội dung PEM", "Or paste the PEM text"),
    ("Yêu cầu chứng thư (CSR PKCS#10)", "Certificate signing request (PKCS#10 CSR)"),
    ("Tệp CSR (.csr, .pem hoặc .der)", "CSR file (.csr, .pem or .der)"),
    ("Số sê-ri thiết bị lưu khóa", "Token serial number"),
    ("Số sê-ri thiết bị lưu khóa (không bắt buộc)", "Token serial number (optional)"),
    ("Số ngày hiệu lực (để trống: mặc định của hồ sơ)", "Validity in days (blank: the profile's default)"),
    ("Số hiệu chứng thư số (serial)", "Certificate serial number"),
    ("Lý do thu hồi", "Reason for revocation"),
    ("Lý do thu hồi chứng thư cũ", "Reason for revoking the old certificate"),
    ("Thông tin mới (chỉ điền mục thay đổi)", "New information (fill in only what changes)"),
    ("Họ và tên / tên tổ chức mới", "New full name / organization name"),
    ("Chức vụ mới", "New title"),
    ("Đơn vị mới", "New unit"),
    ("Cơ quan chủ quản mới", "New parent agency"),
    ("Thư điện tử mới", "New e-mail"),
    ("— Không đổi —", "— Unchanged —"),
    ("Tỉnh, thành phố mới", "New province or city"),
    ("— Chọn đơn vị —", "— Choose a unit —"),
    ("Sáp nhập vào đơn vị (để trống nếu chỉ đổi tên)", "Merge into unit (blank for a rename only)"),
    ("— Không sáp nhập —", "— No merger —"),
    ("Tên mới của đơn vị (để trống nếu sáp nhập)", "New unit name (blank for a merger)"),
    ("Các loại yêu cầu", "Kinds of request"),
    // Bulk re-issue.
    ("Sáp nhập đơn vị", "Unit merger"),
    ("Đổi tên đơn vị", "Unit rename"),
    ("Thao tác", "Action"),
    ("Tên đơn vị trên chứng thư mới", "Unit name on the new certificates"),
    ("Trạng thái yêu cầu", "Request status"),
    ("Tổng số chứng thư", "Certificates in total"),
    ("Đã cấp lại", "Re-issued"),
    ("Đang chờ", "Waiting"),
    ("Chứng thư tạm dừng (không cấp lại)", "Suspended certificates (not re-issued)"),
    ("Hiển thị {} trên {} mục; danh sách đầy đủ:", "Showing {} of {} items; the full list:"),
    ("{} chứng thư chưa cấp lại được.", "{} certificates could not be re-issued yet."),
    ("Thử lại các mục lỗi", "Retry the failed items"),
    ("Đang cấp lại… Trang tự làm mới sau {} giây.", "Re-issuing… The page refreshes every {} seconds."),
    ("Tiến độ: {}%", "Progress: {}%"),
    ("Các chứng thư", "Certificates"),
    ("Các chứng thư được cấp lại", "Certificates re-issued"),
    ("Chứng thư cũ", "Old certificate"),
    ("Chứng thư mới", "New certificate"),
    ("Cấp lại hàng loạt — yêu cầu #{}", "Bulk re-issue — request #{}"),
    // (end of units, tokens, requests)
    //
    // == Certificates, CSV import, reports, audit ==
    ("Các dòng của tệp", "Rows of the file"),
    // (end of certificates, import, reports, audit)
];

/// The English name of a request or certificate state, a token status or
/// a subscriber kind (the stored names, as `super::vi::state` knows them).
pub(crate) fn state(s: &str) -> &str {
    match s {
        "submitted" => "Submitted",
        "approved" => "Approved",
        "rejected" => "Rejected",
        "issued" => "Carried out",
        "failed" => "Failed",
        "good" => "Active",
        "suspended" => "Suspended",
        "revoked" => "Revoked",
        "pending" => "Awaiting signature",
        "expired" => "Expired",
        "active" => "In use",
        "lost" => "Lost",
        "damaged" => "Damaged",
        "retired" => "Retired",
        "individual" => "Individual",
        "organization" => "Organization",
        "device" => "Device or service",
        other => other,
    }
}

/// The English wording of `vi`, if the table has it.
pub(crate) fn english(vi: &str) -> Option<&'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| TABLE.iter().copied().collect())
        .get(vi)
        .copied()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;

    use super::*;

    /// The string literals passed to `.t(` in one source file.
    fn texts(source: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = source;
        loop {
            let at = [".t(\"", ".tf(\""]
                .iter()
                .filter_map(|call| rest.find(call).map(|i| i + call.len()))
                .min();
            let Some(at) = at else { break };
            rest = &rest[at..];
            let mut text = String::new();
            let mut chars = rest.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => {
                        if let Some(n) = chars.next() {
                            text.push(match n {
                                'n' => '\n',
                                other => other,
                            });
                        }
                    }
                    c => text.push(c),
                }
            }
            out.push(text);
        }
        out
    }

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("src/web") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("en.rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                out.push((path.display().to_string(), text));
            }
        }
    }

    #[test]
    fn every_page_text_has_its_english_wording() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web"),
            &mut files,
        );
        let mut missing = Vec::new();
        let mut used = 0;
        for (file, source) in &files {
            for text in texts(source) {
                used += 1;
                match english(&text) {
                    None => missing.push(format!("{file}: {text:?}")),
                    Some(en) if en.matches("{}").count() != text.matches("{}").count() => {
                        missing.push(format!("{file}: {text:?} (placeholders differ)"));
                    }
                    Some(_) => {}
                }
            }
        }
        assert!(used > 20, "the pages translate only {used} texts");
        assert!(
            missing.is_empty(),
            "texts without English wording:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn the_table_has_no_duplicate_or_untranslated_entry() {
        let mut seen = HashSet::new();
        for (vi, en) in TABLE {
            assert!(seen.insert(*vi), "{vi:?} twice");
            assert!(!en.is_empty() && en != vi, "{vi:?} has no English wording");
        }
    }

    #[test]
    fn the_scanner_reads_escapes() {
        assert_eq!(
            texts(r#"x.t("a \"b\"") + y.tf("c {}", &[&1]) + z.t("d")"#),
            vec!["a \"b\"".to_owned(), "c {}".to_owned(), "d".to_owned()]
        );
    }
}
