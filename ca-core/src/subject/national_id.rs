//! National identifiers carried in the X.509 UID attribute
//! (0.9.2342.19200300.100.1.1) as `PREFIX:number`, e.g. `CCCD:001089031733`.
//! A [`NationalId`] can only be built through validation, so holding one
//! means it is well-formed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::SubjectError;

/// The field name reported in errors.
const FIELD: &str = "uid";

/// The kinds of national identifier accepted in the UID attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NationalIdKind {
    /// Citizen identity card (căn cước công dân), 12 digits, prefix `CCCD`.
    Cccd,
    /// Old identity card (chứng minh nhân dân), 9 or 12 digits, prefix `CMND`.
    Cmnd,
    /// Passport (hộ chiếu), prefix `HC`.
    Passport,
    /// Tax code (mã số thuế), 10 digits or 10-3 for a branch, prefix `MST`.
    TaxCode,
}

impl NationalIdKind {
    /// Every kind, in prefix order of the canonical form.
    pub const ALL: [Self; 4] = [Self::Cccd, Self::Cmnd, Self::Passport, Self::TaxCode];

    /// The prefix written before the colon in the canonical form.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Cccd => "CCCD",
            Self::Cmnd => "CMND",
            Self::Passport => "HC",
            Self::TaxCode => "MST",
        }
    }

    fn from_prefix(prefix: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.prefix().eq_ignore_ascii_case(prefix))
    }
}

impl fmt::Display for NationalIdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

/// A validated national identifier. Build it with [`str::parse`],
/// `TryFrom<&str>` or [`NationalId::new`]; [`Display`](fmt::Display) gives the
/// canonical UID form with an upper-case prefix (`CCCD:001089031733`).
///
/// Parsing accepts the prefix in any case and whitespace around the input
/// and around the colon; passport numbers are upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NationalId {
    kind: NationalIdKind,
    value: String,
}

impl NationalId {
    /// Validates `value` (the part after the colon) as an identifier of
    /// `kind`.
    pub fn new(kind: NationalIdKind, value: &str) -> Result<Self, SubjectError> {
        let value = value.trim();
        let value = check_value(kind, value).map_err(|reason| SubjectError::InvalidNationalId {
            field: FIELD,
            value: format!("{}:{value}", kind.prefix()),
            reason,
        })?;
        Ok(Self { kind, value })
    }

    /// Which kind of identifier this is.
    pub fn kind(&self) -> NationalIdKind {
        self.kind
    }

    /// The number without its prefix (for a tax-code branch, `0123456789-001`).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether this is a tax code (`MST:`), i.e. identifies an organization.
    pub fn is_tax_code(&self) -> bool {
        self.kind == NationalIdKind::TaxCode
    }

    fn parse(input: &str) -> Result<Self, SubjectError> {
        let trimmed = input.trim();
        let invalid = |reason: String| SubjectError::InvalidNationalId {
            field: FIELD,
            value: trimmed.to_owned(),
            reason,
        };
        let Some((prefix, value)) = trimmed.split_once(':') else {
            return Err(invalid(
                "missing the kind prefix; expected CCCD:, CMND:, HC: or MST: before the number"
                    .to_owned(),
            ));
        };
        let prefix = prefix.trim();
        let kind = NationalIdKind::from_prefix(prefix).ok_or_else(|| {
            invalid(format!(
                "unknown prefix {prefix:?}; expected CCCD, CMND, HC or MST"
            ))
        })?;
        let value = check_value(kind, value.trim()).map_err(invalid)?;
        Ok(Self { kind, value })
    }
}

/// Checks the number of an identifier of `kind` and returns its canonical
/// form, or the reason it is invalid.
fn check_value(kind: NationalIdKind, value: &str) -> Result<String, String> {
    match kind {
        NationalIdKind::Cccd => {
            only_digits("CCCD", value)?;
            if value.len() != 12 {
                return Err(format!(
                    "CCCD must be exactly 12 digits, got {}",
                    value.len()
                ));
            }
            Ok(value.to_owned())
        }
        NationalIdKind::Cmnd => {
            only_digits("CMND", value)?;
            if value.len() != 9 && value.len() != 12 {
                return Err(format!("CMND must be 9 or 12 digits, got {}", value.len()));
            }
            Ok(value.to_owned())
        }
        NationalIdKind::Passport => check_passport(value),
        NationalIdKind::TaxCode => check_tax_code(value),
    }
}

fn only_digits(what: &str, value: &str) -> Result<(), String> {
    match value.chars().find(|c| !c.is_ascii_digit()) {
        Some(c) => Err(format!(
            "{what} must contain only the digits 0-9, found {c:?}"
        )),
        None => Ok(()),
    }
}

/// Passport numbers are usually one or two letters and 7-8 digits; any
/// 6 to 12 upper-case letters and digits with at least one digit is accepted.
fn check_passport(value: &str) -> Result<String, String> {
    let value = value.to_ascii_uppercase();
    if let Some(c) = value.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "passport number (HC) may contain only letters A-Z and digits 0-9, found {c:?}"
        ));
    }
    if !(6..=12).contains(&value.len()) {
        return Err(format!(
            "passport number (HC) must be 6 to 12 characters, got {}",
            value.len()
        ));
    }
    if !value.chars().any(|c| c.is_ascii_digit()) {
        return Err("passport number (HC) must contain at least one digit".to_owned());
    }
    Ok(value)
}

/// Tax codes are 10 digits, or 10 digits, `-` and a 3-digit branch number.
fn check_tax_code(value: &str) -> Result<String, String> {
    if let Some(c) = value.chars().find(|c| !c.is_ascii_digit() && *c != '-') {
        return Err(format!(
            "MST must contain only the digits 0-9 and one '-' before a branch number, found {c:?}"
        ));
    }
    let (main, branch) = match value.split_once('-') {
        Some((main, branch)) => (main, Some(branch)),
        None => (value, None),
    };
    if main.len() != 10 {
        return Err(format!(
            "MST must start with exactly 10 digits, got {}",
            main.len()
        ));
    }
    if let Some(branch) = branch {
        if branch.contains('-') {
            return Err("MST may contain only one '-'".to_owned());
        }
        if branch.len() != 3 {
            return Err(format!(
                "MST branch number after '-' must be exactly 3 digits, got {}",
                branch.len()
            ));
        }
    }
    Ok(value.to_owned())
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.prefix(), self.value)
    }
}

impl FromStr for NationalId {
    type Err = SubjectError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for NationalId {
    type Error = SubjectError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl TryFrom<String> for NationalId {
    type Error = SubjectError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl Serialize for NationalId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for NationalId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(input: &str) -> String {
        match NationalId::try_from(input) {
            Err(SubjectError::InvalidNationalId {
                field,
                value,
                reason,
            }) => {
                assert_eq!(field, "uid");
                assert_eq!(value, input.trim());
                reason
            }
            other => panic!("{input:?} should be rejected, got {other:?}"),
        }
    }

    #[test]
    fn cccd() {
        let id: NationalId = "CCCD:001089031733".parse().unwrap();
        assert_eq!(id.kind(), NationalIdKind::Cccd);
        assert_eq!(id.value(), "001089031733");
        assert!(!id.is_tax_code());
        assert_eq!(id.to_string(), "CCCD:001089031733");

        let id = NationalId::try_from("  cccd:001089031733 \n").unwrap();
        assert_eq!(id.to_string(), "CCCD:001089031733");
        let id = NationalId::try_from("Cccd : 001089031733").unwrap();
        assert_eq!(id.to_string(), "CCCD:001089031733");

        assert_eq!(
            reason("CCCD:00108903173"),
            "CCCD must be exactly 12 digits, got 11"
        );
        assert_eq!(
            reason("CCCD:0010890317331"),
            "CCCD must be exactly 12 digits, got 13"
        );
        assert_eq!(reason("CCCD:"), "CCCD must be exactly 12 digits, got 0");
        assert_eq!(
            reason("CCCD:00108903173a"),
            "CCCD must contain only the digits 0-9, found 'a'"
        );
        // Full-width digits are not ASCII digits.
        assert_eq!(
            reason("CCCD:００１089031733"),
            "CCCD must contain only the digits 0-9, found '０'"
        );
    }

    #[test]
    fn cmnd() {
        assert_eq!(
            NationalId::try_from("CMND:123456789").unwrap().to_string(),
            "CMND:123456789"
        );
        let id = NationalId::try_from("cmnd:001089031733").unwrap();
        assert_eq!(id.kind(), NationalIdKind::Cmnd);
        assert_eq!(id.to_string(), "CMND:001089031733");
        assert_eq!(
            reason("CMND:1234567890"),
            "CMND must be 9 or 12 digits, got 10"
        );
        assert_eq!(
            reason("CMND:12345-789"),
            "CMND must contain only the digits 0-9, found '-'"
        );
    }

    #[test]
    fn passport() {
        for (input, canonical) in [
            ("HC:B1234567", "HC:B1234567"),
            ("hc:c12345678", "HC:C12345678"),
            ("HC:AB1234567", "HC:AB1234567"),
            ("HC:123456", "HC:123456"),
        ] {
            let id = NationalId::try_from(input).unwrap();
            assert_eq!(id.kind(), NationalIdKind::Passport);
            assert_eq!(id.to_string(), canonical);
        }
        assert_eq!(
            reason("HC:B12"),
            "passport number (HC) must be 6 to 12 characters, got 3"
        );
        assert_eq!(
            reason("HC:B1234567890123"),
            "passport number (HC) must be 6 to 12 characters, got 14"
        );
        assert_eq!(
            reason("HC:ABCDEFGH"),
            "passport number (HC) must contain at least one digit"
        );
        assert_eq!(
            reason("HC:B12 34567"),
            "passport number (HC) may contain only letters A-Z and digits 0-9, found ' '"
        );
    }

    #[test]
    fn tax_code() {
        let id = NationalId::try_from("MST:0100231226").unwrap();
        assert!(id.is_tax_code());
        assert_eq!(id.kind(), NationalIdKind::TaxCode);
        assert_eq!(id.value(), "0100231226");
        let id = NationalId::try_from("mst:0100231226-001").unwrap();
        assert_eq!(id.to_string(), "MST:0100231226-001");
        assert_eq!(id.value(), "0100231226-001");

        assert_eq!(
            reason("MST:010023122"),
            "MST must start with exactly 10 digits, got 9"
        );
        assert_eq!(
            reason("MST:0100231226-01"),
            "MST branch number after '-' must be exactly 3 digits, got 2"
        );
        assert_eq!(
            reason("MST:0100231226-001-2"),
            "MST may contain only one '-'"
        );
        assert_eq!(
            reason("MST:0100231226/001"),
            "MST must contain only the digits 0-9 and one '-' before a branch number, found '/'"
        );
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            reason("001089031733"),
            "missing the kind prefix; expected CCCD:, CMND:, HC: or MST: before the number"
        );
        assert_eq!(
            reason("BHXH:0123456789"),
            "unknown prefix \"BHXH\"; expected CCCD, CMND, HC or MST"
        );
        let err = NationalId::try_from("CCCD:123").unwrap_err();
        assert_eq!(
            err.to_string(),
            "uid: invalid national ID \"CCCD:123\": CCCD must be exactly 12 digits, got 3"
        );
    }

    #[test]
    fn new_validates() {
        let id = NationalId::new(NationalIdKind::Cccd, "001089031733").unwrap();
        assert_eq!(id.to_string(), "CCCD:001089031733");
        let err = NationalId::new(NationalIdKind::TaxCode, "123").unwrap_err();
        assert_eq!(
            err.to_string(),
            "uid: invalid national ID \"MST:123\": MST must start with exactly 10 digits, got 3"
        );
    }

    #[test]
    fn serde_uses_canonical_string() {
        let id = NationalId::try_from("cccd:001089031733").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"CCCD:001089031733\"");
        let back: NationalId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);

        let err = serde_json::from_str::<NationalId>("\"CCCD:12\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("CCCD must be exactly 12 digits, got 2"),
            "{err}"
        );
    }
}
