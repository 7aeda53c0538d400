//! What the pages say when something is refused: the Vietnamese message of
//! a [`PortalError`] and the form field it belongs next to. The checks
//! themselves stay in the CA core and the portal's logic; this only words
//! their answers for people.

use super::html;
use super::lang::Lang;
use crate::error::PortalError;
pub(crate) use crate::explain::{explain, state};

/// The errors of a submitted form: (field, message); field `""` is the
/// form as a whole.
#[derive(Debug, Default, Clone)]
pub(super) struct FormErrors(Vec<(&'static str, String)>);

impl FormErrors {
    /// One error on `field`.
    pub(super) fn on(field: &'static str, message: impl Into<String>) -> Self {
        Self(vec![(field, message.into())])
    }

    /// The error of a refused operation, next to the field it concerns.
    pub(super) fn from_error(e: &PortalError) -> Self {
        let (field, message) = explain(e);
        Self::on(field, message)
    }

    /// The same in `lang`: the English view shows the API's message.
    pub(super) fn from_error_in(lang: Lang, e: &PortalError) -> Self {
        match lang {
            Lang::Vi => Self::from_error(e),
            Lang::En => Self::on(explain(e).0, super::pages::en_message(e)),
        }
    }

    /// The message next to `field`, if any.
    pub(super) fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// [`html::field`] showing this form's error for `name` next to it.
    pub(super) fn field(
        &self,
        name: &str,
        label: &str,
        kind: &str,
        value: &str,
        extra: &str,
    ) -> String {
        html::field(name, label, kind, value, self.get(name), extra)
    }

    /// [`html::select`] showing this form's error for `name` next to it.
    pub(super) fn select(
        &self,
        name: &str,
        label: &str,
        options: &[(String, String)],
        selected: &str,
    ) -> String {
        html::select(name, label, options, selected, self.get(name))
    }

    /// [`html::textarea`] showing this form's error for `name` next to it.
    pub(super) fn textarea(&self, name: &str, label: &str, value: &str, extra: &str) -> String {
        html::textarea(name, label, value, self.get(name), extra)
    }

    /// The errors not attached to a field shown on the form (`shown`),
    /// as the form-level alert.
    pub(super) fn general(&self, shown: &[&str]) -> String {
        self.0
            .iter()
            .filter(|(f, _)| f.is_empty() || !shown.contains(f))
            .map(|(_, m)| format!(r#"<p class="form-error" role="alert">{}</p>"#, html::esc(m)))
            .collect()
    }
}

/// The name of a state, kind or status in `lang`.
pub(super) fn state_in(lang: Lang, s: &str) -> &str {
    match lang {
        Lang::Vi => state(s),
        Lang::En => super::en::state(s),
    }
}

/// The Vietnamese label of a revocation reason (kebab-case name):
/// `key-compromise` is `Lộ khóa bí mật`.
pub(super) fn reason(s: &str) -> String {
    crate::explain::reason(s).to_owned()
}

/// The name of a certificate profile in `lang`; a profile an operator
/// added to the configuration keeps the name it was given there.
pub(super) fn profile_in(lang: Lang, name: &str) -> String {
    let (vi, en) = match name {
        "individual" => ("Cá nhân", "Individual"),
        "organization" => ("Tổ chức", "Organization"),
        "device" => ("Thiết bị, dịch vụ, phần mềm", "Device, service or software"),
        "sub-ca" => ("CA cấp dưới", "Subordinate CA"),
        "ocsp-signer" => ("Ký phản hồi OCSP", "OCSP signer"),
        other => return other.to_owned(),
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
    .to_owned()
}

/// The Vietnamese label of an OCSP certificate status.
pub(super) fn ocsp_status(s: &str) -> &str {
    match s {
        "good" => "Hợp lệ (good)",
        "revoked" => "Đã thu hồi (revoked)",
        "unknown" => "Không xác định (unknown)",
        other => other,
    }
}
