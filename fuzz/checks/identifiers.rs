//! The subject and identifier validators: national ids (CCCD, CMND,
//! passport, MST), serials, provinces, telephone numbers, and a whole
//! subject built from the input. Never a panic; an accepted subject
//! encodes; an accepted telephone number is bounded and Vietnamese.
//!
//! Shared by the fuzz target and the corpus replay test in CI.

use std::str::FromStr;

use ca_core::subject::{NationalId, SubjectInfo};

/// Runs one input; panics on a broken invariant.
pub(crate) fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let id = NationalId::from_str(text).ok();
    let _ = ca_core::serial::Serial::from_str(text);
    let _ = ca_core::registry::current_province(text);
    let _ = ca_core::subject::resolve_province(text);
    if let Ok(Some(phone)) = ca_core::registry::contact::phone(Some(text)) {
        assert!(phone.chars().count() <= ca_core::registry::contact::MAX_PHONE);
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        assert!((10..=12).contains(&digits), "{phone:?}");
        assert!(
            phone
                .chars()
                .all(|c| c.is_ascii_digit() || " .-+".contains(c)),
            "{phone:?}"
        );
    }
    let mut parts = text.splitn(5, '\n');
    let info = SubjectInfo {
        common_name: parts.next().unwrap_or_default().to_owned(),
        uid: id,
        title: parts.next().map(str::to_owned),
        organizational_unit: parts.next().map(str::to_owned),
        province: parts.next().map(str::to_owned),
        email: parts.next().map(str::to_owned),
        ..SubjectInfo::default()
    };
    if info.validate().is_ok() {
        info.to_name().expect("a validated subject encodes");
    }
}
