//! The name of an audit action for people, in Vietnamese and in English.
//! The matches are exhaustive over [`AuditAction`]: an action added to
//! ca-core without its two names does not compile.

use ca_core::audit::AuditAction;

use super::lang::Lang;

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
    fn every_action_has_a_distinct_name_in_both_languages() {
        for lang in [Lang::Vi, Lang::En] {
            let names: std::collections::HashSet<&str> =
                AUDIT_ACTIONS.iter().map(|a| label(lang, *a)).collect();
            assert_eq!(names.len(), AUDIT_ACTIONS.len(), "{lang:?}");
            assert!(names.iter().all(|n| !n.is_empty() && !n.contains('.')));
        }
    }
}
