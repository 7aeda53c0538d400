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
    ("Phiên đăng nhập", "Sessions"),
    (
        "Kết thúc mọi phiên đăng nhập và mã truy cập API khác của tài khoản này (trên các máy và trình duyệt khác); phiên đang dùng vẫn giữ.",
        "End every other session and API token of this account (on other computers and browsers); this session stays.",
    ),
    ("Đăng xuất khỏi mọi nơi khác", "Sign out everywhere else"),
    (
        "Đăng nhập sai nhiều lần làm tài khoản phải chờ lâu dần trước khi được thử lại; mở khóa cho phép đăng nhập ngay.",
        "Repeated failed sign-ins make an account wait longer and longer before it may try again; unlocking lets it sign in at once.",
    ),
    ("Đăng nhập sai", "Failed sign-ins"),
    ("Phải chờ đến", "Waiting until"),
    ("Mở khóa", "Unlock"),
    ("Quản lý tài khoản", "Accounts"),
    ("đã vô hiệu hóa", "disabled"),
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
    (
        "Chứng thư số của phiên đăng nhập không còn được xuất trình hoặc không còn hiệu lực (bị thu hồi, tạm dừng hoặc hết hạn); phiên đã kết thúc.",
        "The session's certificate is no longer presented or no longer valid (revoked, suspended or expired); the session has ended.",
    ),
    // Client-certificate sign-in and the account page.
    (
        "Trình duyệt đang xuất trình chứng thư số:",
        "This browser presents the certificate:",
    ),
    ("Đăng nhập bằng chứng thư số", "Sign in with this certificate"),
    ("Tài khoản của tôi", "My account"),
    ("Chứng thư số dùng để đăng nhập", "Sign-in certificates"),
    (
        "Chứng thư số do hệ thống này cấp có thể thay cho mật khẩu khi đăng nhập qua HTTPS. Trạng thái của chứng thư được kiểm tra ở mỗi yêu cầu: chứng thư bị thu hồi, tạm dừng hoặc hết hạn không còn đăng nhập được.",
        "A certificate issued by this CA can replace the password when signing in over HTTPS. Its status is checked on every request: a revoked, suspended or expired certificate signs no one in.",
    ),
    (
        "Dùng chứng thư số này để đăng nhập",
        "Sign in with this certificate from now on",
    ),
    (
        "Để đăng nhập bằng chứng thư số, mở cổng qua HTTPS với thiết bị ký số (USB token) đã cắm: trình duyệt sẽ xuất trình chứng thư số, rồi bấm nút gắn chứng thư trên trang này.",
        "To sign in with a certificate, open the portal over HTTPS with your signing token plugged in: the browser presents the certificate; then press the bind button on this page.",
    ),
    ("Gắn lúc", "Bound at"),
    ("Gỡ", "Remove"),
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
    ("Số ngày phải là số nguyên từ 0 đến 3650.", "The number of days must be a whole number from 0 to 3650."),
    ("{} (đã hết hạn)", "{} (expired)"),
    ("Thuê bao số {}", "Subscriber no. {}"),
    ("— (chứng thư CA)", "— (CA certificate)"),
    ("Gia hạn", "Renew"),
    ("Thay đổi nội dung", "Change of information"),
    ("Cấp lại", "Re-issue"),
    ("Tạm dừng", "Suspend"),
    ("Khôi phục", "Restore"),
    ("Thu hồi", "Revoke"),
    ("CA cấp", "Issuing CA"),
    ("Hồ sơ", "Profile"),
    ("Hiệu lực từ", "Valid from"),
    ("Hiệu lực đến", "Valid until"),
    ("Thu hồi lúc", "Revoked at"),
    ("Tải về", "Downloads"),
    ("Chuỗi chứng thư (.p7b)", "Certificate chain (.p7b)"),
    ("Yêu cầu với chứng thư này", "Requests for this certificate"),
    ("Chứng thư số {}", "Certificate {}"),
    ("Trạng thái trực tuyến (OCSP)", "Online status (OCSP)"),
    ("Dịch vụ OCSP chưa có phản hồi cho chứng thư này; phản hồi sẽ được ký trong lần làm mới tới.", "The OCSP service has no response for this certificate yet; one will be signed at the next refresh."),
    ("Thu hồi lúc (OCSP)", "Revoked at (OCSP)"),
    ("Lý do (OCSP)", "Reason (OCSP)"),
    ("Trạng thái OCSP", "OCSP status"),
    ("Cập nhật lúc (thisUpdate)", "Updated at (thisUpdate)"),
    ("Cập nhật tiếp theo (nextUpdate)", "Next update (nextUpdate)"),
    ("Danh sách chứng thư bị thu hồi (CRL)", "Certificate revocation list (CRL)"),
    ("Chưa có CRL nào đã phát hành liệt kê chứng thư này; chứng thư sẽ có trong CRL phát hành tiếp theo.", "No CRL published so far lists this certificate; it will be in the next CRL published."),
    ("CRL bổ sung (delta) số {}", "Delta CRL no. {}"),
    ("CRL đầy đủ số {}", "Full CRL no. {}"),
    ("Lần đầu có trong", "First listed in"),
    ("CRL phát hành lúc (thisUpdate)", "CRL published at (thisUpdate)"),
    ("CRL cập nhật tiếp theo (nextUpdate)", "Next CRL update (nextUpdate)"),
    ("— Tất cả —", "— All —"),
    ("Họ tên / tên tổ chức", "Name / organization name"),
    ("Số CCCD hoặc mã số thuế", "CCCD number or tax code"),
    ("Số sê-ri thiết bị", "Token serial number"),
    ("Hết hạn trong vòng (ngày)", "Expiring within (days)"),
    ("Kết quả tìm kiếm", "Search results"),
    ("Không đọc được tệp: tệp quá lớn (tối đa {}) hoặc dữ liệu gửi lên bị hỏng.", "The file could not be read: it is too large (at most {}) or the upload was damaged."),
    ("Không tìm thấy tệp đã xem trước (đã quá 30 phút, đã được nhập, hoặc nội dung đã thay đổi): hãy tải tệp lên lại.", "The previewed file was not found (more than 30 minutes have passed, it was already imported, or its content changed): please upload the file again."),
    ("Đã nhập {} thuê bao.", "{} subscribers imported."),
    ("Xem danh sách thuê bao", "See the list of subscribers"),
    ("Không nhập được: tệp có dòng lỗi (có thể quyền hoặc dữ liệu đã thay đổi từ lúc xem trước). Không thuê bao nào được tạo.", "Could not import: the file has rows with errors (permissions or data may have changed since the preview). No subscriber was created."),
    ("Hãy chọn tệp CSV (UTF-8) để tải lên.", "Please choose a CSV file (UTF-8) to upload."),
    ("Tệp quá lớn (tối đa {}).", "The file is too large (at most {})."),
    ("Không đọc được tệp đã tải lên; hãy thử lại.", "The uploaded file could not be read; please try again."),
    (" — bắt buộc", " — required"),
    ("Tệp CSV (UTF-8, tối đa {})", "CSV file (UTF-8, at most {})"),
    ("Xem trước", "Preview"),
    ("Dòng đầu là tiêu đề cột, tiếng Việt hoặc tiếng Anh; loại là “cá nhân” hoặc “tổ chức”. Các cột:", "The first row holds the column headings, in Vietnamese or English; the kind is “cá nhân” (individual) or “tổ chức” (organization). The columns:"),
    ("Tệp được kiểm tra trước; chỉ khi mọi dòng hợp lệ mới có thể xác nhận nhập, và tất cả các dòng được nhập cùng lúc.", "The file is checked first; the import can be confirmed only when every row is valid, and all rows are imported together."),
    ("Xác nhận nhập", "Confirm import"),
    ("Tệp có {} dòng: {} dòng hợp lệ, {} dòng lỗi.", "The file has {} rows: {} valid, {} with errors."),
    ("Tệp có dòng lỗi nên chưa thể nhập: hãy sửa các dòng được đánh dấu rồi tải tệp lên lại. Không thuê bao nào được tạo.", "The file has rows with errors and cannot be imported yet: correct the marked rows and upload the file again. No subscriber was created."),
    ("Tải tệp khác", "Upload another file"),
    ("Dòng", "Row"),
    ("Kết quả kiểm tra", "Check result"),
    ("Đã tạo (#{})", "Created (#{})"),
    (" (tỉnh cũ “{}” → {})", " (former province “{}” → {})"),
    ("Hợp lệ", "Valid"),
    ("Xem báo cáo", "Show reports"),
    ("Yêu cầu gửi từ ngày (thời gian xử lý)", "Requests submitted from (turnaround)"),
    ("đến ngày", "to"),
    ("(không thuộc đơn vị)", "(no unit)"),
    ("Tải về CSV", "Download CSV"),
    ("Chứng thư số theo trạng thái", "Certificates by status"),
    ("Đang hoạt động", "Active"),
    ("Đã thu hồi", "Revoked"),
    ("Cá nhân", "Individual"),
    ("Tổ chức", "Organization"),
    ("Cả tỉnh", "Whole province"),
    ("Tổng cộng", "Total"),
    ("Chứng thư số theo trạng thái và loại thuê bao", "Certificates by status and subscriber kind"),
    ("Chứng thư số theo tỉnh, thành phố và đơn vị", "Certificates by province or city and unit"),
    ("Tổng", "Total"),
    ("Thiết bị, dịch vụ", "Devices, services"),
    ("Chứng thư số sắp hết hạn", "Certificates expiring soon"),
    ("Trong 30 ngày", "Within 30 days"),
    ("Trong 60 ngày", "Within 60 days"),
    ("Trong 90 ngày", "Within 90 days"),
    ("Chứng thư số sắp hết hạn (đang hoạt động)", "Certificates expiring soon (active)"),
    ("Sắp hết hạn theo đơn vị", "Expiring soon by unit"),
    ("Danh sách chứng thư số hết hạn trong 90 ngày", "Certificates expiring within 90 days"),
    ("Còn (ngày)", "Days left"),
    ("Đơn vị có chứng thư số tổ chức trên tổng số đơn vị", "Units with an organization certificate out of all units"),
    ("Đơn vị có chứng thư số tổ chức", "Units with an organization certificate"),
    ("Đơn vị có ít nhất một chứng thư số tổ chức đang hoạt động", "Units with at least one active organization certificate"),
    ("Đơn vị có chứng thư", "Units with a certificate"),
    ("Tổng số đơn vị", "Total units"),
    ("Tỷ lệ", "Share"),
    ("Chứng thư số tổ chức đang hoạt động theo đơn vị", "Active organization certificates by unit"),
    ("Chứng thư số tổ chức", "Organization certificates"),
    ("Thời gian xử lý yêu cầu", "Request turnaround"),
    ("Đã cấp", "Issued"),
    ("Quá {} ngày làm việc", "Over {} working days"),
    ("Đang chờ, đã quá hạn", "Pending, overdue"),
    ("Cấp quá hạn", "Issued late"),
    ("Đang chờ quá hạn", "Pending overdue"),
    ("Thời gian xử lý (chỉ tiêu {} ngày làm việc)", "Turnaround (target {} working days)"),
    ("Tính từ khi gửi yêu cầu đến khi cấp, không kể thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết.", "Counted from submission to issuance, excluding Saturdays, Sundays and public holidays (including Tết)."),
    ("Thời gian xử lý theo tỉnh, thành phố", "Turnaround by province or city"),
    ("Quá hạn", "Overdue"),
    ("Trung bình (ngày làm việc)", "Average (working days)"),
    ("Lâu nhất (ngày làm việc)", "Longest (working days)"),
    ("Yêu cầu quá hạn", "Overdue requests"),
    ("Số ngày làm việc", "Working days"),
    ("Cảnh báo", "Warning"),
    ("Chuỗi băm toàn vẹn", "Hash chain intact"),
    ("{} sự kiện đã được kiểm tra.", "{} events checked."),
    ("Sự kiện cuối: số {}, mã băm <code>{}</code>", "Last event: no. {}, hash <code>{}</code>"),
    ("Chuỗi băm bị phá vỡ", "Hash chain broken"),
    ("tại sự kiện số {}: nhật ký từ sự kiện này trở đi không còn đáng tin cậy.", "at event no. {}: the log from this event on can no longer be trusted."),
    ("Chi tiết: {}", "Details: {}"),
    ("Lọc", "Filter"),
    ("Thao tác (ví dụ certificate.issue)", "Action (e.g. certificate.issue)"),
    ("Đối tượng", "Object"),
    ("Từ ngày (UTC)", "From (UTC)"),
    ("Đến ngày (UTC)", "To (UTC)"),
    ("Số dòng mỗi trang", "Rows per page"),
    ("Trang {} / {} ({} sự kiện)", "Page {} of {} ({} events)"),
    ("‹ Trang trước", "‹ Previous page"),
    ("Trang sau ›", "Next page ›"),
    ("Phân trang", "Pagination"),
    ("Sự kiện (mới nhất trước)", "Events (newest first)"),
    ("Thời điểm", "Time"),
    ("Chi tiết", "Details"),
    // (end of certificates, import, reports, audit)
    // Issue 16: words, Vietnam time, renewal.
    ("Chứng thư số liên quan", "Certificate concerned"),
    ("Thay thế cho", "Replaces"),
    ("Được thay thế bởi", "Replaced by"),
    ("Đã được thay thế", "Replaced"),
    ("Từ ngày", "From"),
    ("Đến ngày", "To"),
    ("Thời điểm (giờ Việt Nam)", "Time (Vietnam, UTC+7)"),
    // Issue 16: accounts, tokens and emergencies, what approvers see.
    ("Tình trạng", "State"),
    ("Tạo tài khoản", "Create an account"),
    ("Phòng, ban (không bắt buộc)", "Department (optional)"),
    ("Đặt lại mật khẩu", "Reset the password"),
    ("Kích hoạt lại", "Enable"),
    ("Vô hiệu hóa", "Disable"),
    ("Phòng, ban", "Department"),
    ("Đặt lại mật khẩu, vô hiệu hóa hoặc đổi vai trò kết thúc ngay mọi phiên đăng nhập và mã truy cập API của tài khoản. Mật khẩu dùng một lần chỉ hiện một lần và phải được đổi ở lần đăng nhập sau.", "Resetting the password, disabling the account or changing its role ends every web session and API token of the account at once. A one-time password is shown once and must be changed at the next sign-in."),
    ("Đổi vai trò hoặc tỉnh, thành phố", "Change the role or province"),
    ("Lưu", "Save"),
    ("Về danh sách tài khoản", "Back to the accounts"),
    ("Mật khẩu dùng một lần dưới đây chỉ hiện một lần: hãy trao cho người dùng qua kênh an toàn. Người dùng phải đổi mật khẩu ở lần đăng nhập tới.", "The one-time password below is shown only once: hand it to the user over a safe channel. The user must change it at the next sign-in."),
    ("Mật khẩu dùng một lần", "One-time password"),
    ("Về trang tài khoản", "Back to the account"),
    ("Khóa bí mật TOTP", "TOTP secret"),
    ("— Không (quản trị viên, kiểm toán viên) —", "— None (administrators, auditors) —"),
    ("Đã vô hiệu hóa", "Disabled"),
    ("Chờ đổi mật khẩu dùng một lần", "One-time password not changed yet"),
    ("Vai trò đã được đổi. Tài khoản này nay cần mã xác thực (TOTP): khóa bí mật chỉ hiện một lần.", "The role was changed. This account now needs a TOTP code: the secret is shown only once."),
    ("Thao tác khẩn cấp chờ xác nhận", "Emergency actions awaiting acknowledgement"),
    ("Quản trị viên đã thu hồi ngay các chứng thư số của thiết bị bị mất, không qua phê duyệt. Lãnh đạo phê duyệt của tỉnh, thành phố xác nhận đã biết.", "An administrator revoked the certificates of a lost token at once, without approval. The province's approvers acknowledge it."),
    ("Thao tác khẩn cấp", "Emergency actions"),
    ("Chứng thư số đã thu hồi", "Certificates revoked"),
    ("Xác nhận đã biết", "Acknowledge"),
    ("Thao tác được phép", "Allowed actions"),
    ("Chứng thư số trên thiết bị", "Certificates on the token"),
    ("Hiệu lực", "Validity"),
    ("Thiết bị ở trạng thái cuối: không còn thao tác nào. Hãy đăng ký thiết bị mới.", "The token is in a final state: nothing more can be done with it. Register a new token."),
    ("Thu hồi khẩn cấp", "Emergency revocation"),
    ("Báo mất thiết bị và thu hồi ngay mọi chứng thư số trên thiết bị (lý do: lộ khóa), không chờ phê duyệt. Thao tác được ghi vào nhật ký kiểm toán là khẩn cấp và lãnh đạo phê duyệt của tỉnh, thành phố sẽ được yêu cầu xác nhận.", "Report the token lost and revoke every certificate on it at once (reason: key compromise), without waiting for approval. The audit log marks it as an emergency and the province's approvers are asked to acknowledge it."),
    ("Thu hồi ngay các chứng thư số", "Revoke its certificates now"),
    ("Kiểm tra thử: CA sẽ chấp nhận yêu cầu này nếu được phê duyệt bây giờ.", "Dry run: the CA would accept this request if it were approved now."),
    ("Kiểm tra thử: CA sẽ từ chối yêu cầu này:", "Dry run: the CA would refuse this request:"),
    ("Nội dung chứng thư số sẽ được cấp", "What will be issued"),
    ("Chủ thể trong chứng thư", "Subject in the certificate"),
    ("Hiệu lực (nếu phê duyệt bây giờ)", "Validity (if approved now)"),
    ("Khóa công khai", "Public key"),
    ("Dấu vân tay SHA-256 của khóa (SPKI)", "SHA-256 fingerprint of the key (SPKI)"),
    ("Hồ sơ chứng thư", "Certificate profile"),
    ("Chủ thể ghi trong CSR", "Subject written in the CSR"),
    ("Chủ thể ghi trong CSR khác với thông tin đăng ký; chứng thư số lấy thông tin từ cơ sở dữ liệu đăng ký, không lấy từ CSR:", "The CSR's subject differs from the registry; the certificate takes its subject from the registry, not from the CSR:"),
    ("Khác biệt giữa CSR và chứng thư", "Differences between the CSR and the certificate"),
    ("Thuộc tính", "Attribute"),
    ("Trong CSR", "In the CSR"),
    ("Trong chứng thư", "In the certificate"),
    ("Đơn vị thay đổi", "Unit changed"),
    ("Thay đổi đơn vị", "Unit change"),
    ("Số chứng thư số sẽ được cấp lại với tên đơn vị mới và thu hồi bản cũ: {} (chứng thư đang tạm dừng giữ nguyên: {}).", "Certificates to be re-issued with the new unit name, the old ones revoked: {} (suspended certificates left as they are: {})."),
    ("Chứng thư số sẽ được thay thế", "Certificates to be replaced"),
    // (end of issue 16: accounts, tokens and emergencies, what approvers see)
    // Issue 16: Excel import and export.
    ("Nhập danh sách từ tệp Excel hoặc CSV", "Import a list from an Excel or CSV file"),
    ("Cập nhật", "Update"),
    ("Mới", "New"),
    ("Đã đăng ký", "Registered"),
    ("Đã nhập {} thuê bao mới, cập nhật {} thuê bao; bỏ qua {} thuê bao đã đăng ký.", "Imported {} new subscribers, updated {}; skipped {} registered already."),
    ("Hãy chọn tệp Excel (.xlsx) hoặc CSV để tải lên.", "Please choose an Excel (.xlsx) or CSV file to upload."),
    ("Chưa có tệp? Tải tệp mẫu (tiêu đề tiếng Việt và một dòng ví dụ):", "No file yet? Download the template (Vietnamese headers and one example row):"),
    ("Tệp mẫu Excel (.xlsx)", "Excel template (.xlsx)"),
    ("Tệp mẫu CSV", "CSV template"),
    ("Tệp Excel (.xlsx) hoặc CSV (tối đa {})", "Excel (.xlsx) or CSV file (at most {})"),
    ("Dòng tiêu đề ghi tên cột, tiếng Việt hoặc tiếng Anh; loại là “cá nhân” hoặc “tổ chức”. Các cột:", "The header row names the columns, in Vietnamese or English; the kind is “individual” or “organization”. The columns:"),
    ("Các dòng tiêu đề phía trên (tên danh sách…) được bỏ qua; các cột khác (STT, Ngày sinh…) được liệt kê và bỏ qua. Tệp CSV có thể phân tách bằng dấu phẩy hoặc dấu chấm phẩy. Người đã đăng ký (cùng số định danh) được bỏ qua, hoặc được đề nghị cập nhật khi thông tin thay đổi.", "Title rows above the header (the list's name…) are skipped; other columns (No., date of birth…) are listed and ignored. A CSV file may be separated by commas or semicolons. People registered already (same identity number) are skipped, or offered as updates when their information changed."),
    ("Tệp có {} dòng (dòng tiêu đề: dòng {} của trang tính).", "The file has {} rows (header row: line {} of the sheet)."),
    ("Mới: {}", "New: {}"),
    ("Đã đăng ký (bỏ qua): {}", "Registered already (skipped): {}"),
    ("Cần cập nhật: {}", "To update: {}"),
    ("Lỗi: {}", "Errors: {}"),
    ("Các cột không dùng, được bỏ qua: {}.", "Columns not used, ignored: {}."),
    ("Cập nhật cả {} thuê bao đã đăng ký có thông tin thay đổi (xem cột “Kết quả kiểm tra”).", "Also update the {} registered subscribers whose information changed (see the “Check result” column)."),
    ("Mọi người trong tệp đã được đăng ký với cùng thông tin: không có gì để nhập.", "Everyone in the file is registered already with the same information: nothing to import."),
    ("Trang {} / {} ({} dòng)", "Page {} of {} ({} rows)"),
    ("Hiển thị", "Show"),
    ("Đã đăng ký (#{}): bỏ qua", "Registered already (#{}): skipped"),
    ("Cập nhật thuê bao #{}", "Update subscriber #{}"),
    ("Mới, hợp lệ", "New, valid"),
    ("Đã cập nhật (#{})", "Updated (#{})"),
    ("Các dòng đã nhập", "Rows imported"),
    ("Tải về Excel", "Download Excel"),
    // Issue 16: lists (paging, sorting).
    ("Trang {} / {} · {} kết quả", "Page {} of {} · {} results"),
    ("Sắp xếp theo cột này", "Sort by this column"),
    ("Sắp xếp", "Order"),
    ("Sự kiện (cũ nhất trước)", "Events (oldest first)"),
    ("Mới nhất trước", "Newest first"),
    ("Cũ nhất trước", "Oldest first"),
    // Issue 16: batches.
    ("Tạo lô yêu cầu cấp mới", "New batch of issuance requests"),
    ("Các lô yêu cầu", "Batches of requests"),
    ("Mã lô", "Batch"),
    ("Số yêu cầu trong lô", "Requests in the batch"),
    ("Ngày gửi lô", "Submitted on"),
    ("Lô yêu cầu cấp mới", "Batches of issuance requests"),
    ("Số ngày hiệu lực của lô phải là số nguyên dương.", "The validity in days must be a positive whole number."),
    ("Lô chưa được gửi: các tệp và danh sách người chưa khớp, hoặc có yêu cầu bị từ chối. Không có yêu cầu nào được ghi nhận.", "The batch was not submitted: the files and the people do not match, or requests were refused. No request was recorded."),
    ("Phê duyệt cả lô: {} yêu cầu được thực hiện lần lượt; yêu cầu nào bị từ chối khi thực hiện sẽ được ghi rõ lý do.", "Approve the whole batch: its {} requests are carried out in turn; a request refused when carried out is shown with the reason."),
    ("Phê duyệt cả lô", "Approve the whole batch"),
    ("Từ chối cả lô", "Reject the whole batch"),
    ("Tải tất cả chứng thư (.zip)", "Download every certificate (.zip)"),
    ("Các yêu cầu của lô", "The batch's requests"),
    ("Tệp CSR đã khớp", "Matched CSR file"),
    ("Lô yêu cầu #{}", "Batch #{}"),
    ("Lọc theo tên hoặc số định danh (không bắt buộc)", "Filter by name or identity number (optional)"),
    ("Chọn người trong đơn vị", "Select the unit's people"),
    ("Quy tắc tên tệp: mỗi người một tệp CSR (.csr, .pem, .der hoặc .req), đặt tên theo số định danh (001089031733.csr hoặc CCCD-001089031733.csr) hoặc theo mã người dùng (s42.csr). Có thể tải lên nhiều tệp, hoặc một tệp .zip (tối đa 1000 tệp, mỗi tệp tối đa 64 KiB).", "File-name rule: one CSR file per person (.csr, .pem, .der or .req), named after the identity number (001089031733.csr or CCCD-001089031733.csr) or the subscriber id (s42.csr). Upload several files, or one .zip (at most 1000 files, each at most 64 KiB)."),
    ("{} người được chọn.", "{} people selected."),
    ("Danh sách người được chọn", "The people selected"),
    ("Tên tệp CSR cần có", "Expected CSR file name"),
    ("Các tệp CSR hoặc một tệp .zip", "CSR files or one .zip"),
    ("Số ngày hiệu lực của các chứng thư (không bắt buộc)", "Validity of the certificates in days (optional)"),
    ("Gửi lô yêu cầu", "Submit the batch"),
    ("Không có người nào của đơn vị khớp với bộ lọc.", "Nobody of this unit matches the filter."),
    ("Tệp không khớp với người nào", "Files matching nobody"),
    ("Tệp trùng (đã có tệp cho người này)", "Duplicate files (this person has a file already)"),
    ("Người chưa có tệp CSR", "People without a CSR file"),
    ("Yêu cầu bị từ chối khi kiểm tra", "Requests refused by the checks"),
    ("Các tệp quá lớn (tối đa {}) hoặc dữ liệu gửi lên bị hỏng.", "The files are too large (at most {}) or the upload is damaged."),
    ("Tệp .zip bị hỏng hoặc không phải tệp .zip.", "The .zip is damaged or is not a .zip."),
    ("Tệp .zip chứa một tệp nén khác: hãy đặt tất cả tệp CSR vào một tệp .zip duy nhất.", "The .zip holds another archive: put every CSR file in one .zip."),
    ("Tệp .zip chứa tên tệp không hợp lệ (đường dẫn tuyệt đối hoặc “..”).", "The .zip holds a file name that is not allowed (an absolute path or “..”)."),
    ("Quá nhiều tệp: tối đa 1000 tệp trong một lô.", "Too many files: at most 1000 in one batch."),
    ("Có tệp lớn hơn 64 KiB (sau khi giải nén): đó không phải là một CSR.", "A file is larger than 64 KiB once uncompressed: that is not a CSR."),
    ("Tổng dung lượng các tệp sau khi giải nén vượt quá 16 MiB.", "The files total more than 16 MiB once uncompressed."),
    ("Hãy chọn các tệp CSR hoặc một tệp .zip.", "Choose the CSR files or one .zip."),
    ("Quá nhiều người: tối đa 1000 người trong một lô.", "Too many people: at most 1000 in one batch."),
    ("Lô chờ phê duyệt", "Waiting for approval"),
    ("Lô đang thực hiện", "Being carried out"),
    ("Lô đã thực hiện xong", "Carried out"),
    ("Lô đã bị từ chối", "Rejected"),
    ("Cấp mới cho nhiều người (lô yêu cầu)", "Issuance for many people (a batch)"),
    ("Tải các chứng thư mới (.zip)", "Download the new certificates (.zip)"),
    (
        "Lô này đã được quyết định trước đó; không có gì thay đổi.",
        "This batch was decided already; nothing changed.",
    ),
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
            let at = [".t(", ".tf("]
                .iter()
                .filter_map(|call| rest.find(call).map(|i| i + call.len()))
                .min();
            let Some(at) = at else { break };
            rest = &rest[at..];
            // The text may start on the next line (rustfmt); a call whose
            // argument is not a literal is not a page text of its own.
            let literal = rest.trim_start();
            if !literal.starts_with('"') {
                continue;
            }
            rest = &literal[1..];
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
        for entry in std::fs::read_dir(dir).expect("src/http/web") {
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
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http/web"),
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
            texts("x.t(\"a \\\"b\\\"\") + y.tf(\n  \"c {}\", &[&1]) + z.t(label) + w.t(\"d\")"),
            vec!["a \"b\"".to_owned(), "c {}".to_owned(), "d".to_owned()]
        );
    }
}
