//! [`SubjectInfo`], the identity of a subscriber as it goes into a
//! certificate, with its normalisation and validation rules.

use serde::{Deserialize, Serialize};

use super::name::{
    check_text, UB_COMMON_NAME, UB_EMAIL_ADDRESS, UB_LOCALITY_NAME, UB_ORGANIZATIONAL_UNIT_NAME,
    UB_ORGANIZATION_NAME, UB_STATE_NAME, UB_TITLE,
};
use super::province::{all_provinces, resolve_province};
use super::text::clean;
use super::{NationalId, SubjectError};

/// The identity of a subscriber (person, organization or device) as it goes
/// into a certificate. [`to_name`](Self::to_name) turns it into the subject
/// DN; `email` goes to the subjectAltName as an rfc822Name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectInfo {
    /// CN (2.5.4.3): full name of a person, or organization name.
    pub common_name: String,
    /// UID (0.9.2342.19200300.100.1.1): national ID or tax code.
    pub uid: Option<NationalId>,
    /// title (2.5.4.12): position of a person.
    pub title: Option<String>,
    /// OU (2.5.4.11): the unit the subscriber belongs to.
    pub organizational_unit: Option<String>,
    /// O (2.5.4.10): the parent agency.
    pub organization: Option<String>,
    /// L (2.5.4.7): locality (ward, commune, district).
    pub locality: Option<String>,
    /// ST (2.5.4.8): the current official province name, already resolved
    /// with [`resolve_province`](super::resolve_province).
    pub province: Option<String>,
    /// E-mail address; goes to the SAN as rfc822Name, not to the DN.
    pub email: Option<String>,
}

impl SubjectInfo {
    /// Checks every field: a non-blank CN; no blank optional field; RFC 5280
    /// upper bounds (CN, O, OU, title 64, L, ST 128, e-mail 255 characters);
    /// no control, invisible format or bidirectional control characters
    /// (the rules of [`NameKind`](super::NameKind)); ST is the official current name of one of the
    /// 34 units; e-mail is a plain ASCII addr-spec.
    ///
    /// The check applies to the values as they are; [`to_name`](Self::to_name)
    /// normalises first.
    pub fn validate(&self) -> Result<(), SubjectError> {
        if self.common_name.trim().is_empty() {
            return Err(SubjectError::MissingField {
                field: "common_name",
            });
        }
        check_text("common_name", &self.common_name, UB_COMMON_NAME)?;
        let optional = [
            ("title", &self.title, UB_TITLE),
            (
                "organizational_unit",
                &self.organizational_unit,
                UB_ORGANIZATIONAL_UNIT_NAME,
            ),
            ("organization", &self.organization, UB_ORGANIZATION_NAME),
            ("locality", &self.locality, UB_LOCALITY_NAME),
            ("province", &self.province, UB_STATE_NAME),
            ("email", &self.email, UB_EMAIL_ADDRESS),
        ];
        for (field, value, max) in optional {
            if let Some(value) = value {
                if value.trim().is_empty() {
                    return Err(SubjectError::BlankField { field });
                }
                check_text(field, value, max)?;
            }
        }
        if let Some(province) = &self.province {
            check_current_province(province)?;
        }
        if let Some(email) = &self.email {
            check_email(email)?;
        }
        Ok(())
    }

    /// A copy with every string NFC-normalised, trimmed and with internal
    /// whitespace collapsed to single spaces; optional fields left blank
    /// become `None`. The province is not resolved: a former name stays as
    /// it is (and [`validate`](Self::validate) rejects it).
    pub fn normalized(&self) -> Self {
        let optional = |value: &Option<String>| {
            value
                .as_deref()
                .map(clean)
                .filter(|cleaned| !cleaned.is_empty())
        };
        Self {
            common_name: clean(&self.common_name),
            uid: self.uid.clone(),
            title: optional(&self.title),
            organizational_unit: optional(&self.organizational_unit),
            organization: optional(&self.organization),
            locality: optional(&self.locality),
            province: optional(&self.province),
            email: optional(&self.email),
        }
    }
}

/// The ST value must be exactly one of the 34 current official names (up to
/// normalisation); anything else that resolves is reported with the name to
/// use instead.
fn check_current_province(value: &str) -> Result<(), SubjectError> {
    let cleaned = clean(value);
    if all_provinces().iter().any(|p| p.name == cleaned) {
        return Ok(());
    }
    let found = resolve_province(value)?;
    Err(SubjectError::NotCurrentProvinceName {
        value: value.to_owned(),
        expected: found.province.name,
    })
}

/// Characters allowed in an unquoted (dot-atom) local part besides letters,
/// digits and dots.
const LOCAL_PART_SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~";

/// A deliberately simple addr-spec check: ASCII, one `@`, a dot-atom local
/// part and a dotted host name.
fn check_email(value: &str) -> Result<(), SubjectError> {
    let invalid = |reason| SubjectError::InvalidEmail {
        value: value.to_owned(),
        reason,
    };
    let address = value.trim();
    if !address.is_ascii() {
        return Err(invalid(
            "must be ASCII; internationalised addresses are not supported",
        ));
    }
    if address
        .chars()
        .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
    {
        return Err(invalid("must not contain spaces or control characters"));
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err(invalid("must contain an '@'"));
    };
    if domain.contains('@') {
        return Err(invalid("must contain exactly one '@'"));
    }
    if local.is_empty() {
        return Err(invalid("the local part before '@' is empty"));
    }
    if domain.is_empty() {
        return Err(invalid("the domain after '@' is empty"));
    }
    if !local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || LOCAL_PART_SPECIALS.contains(c))
    {
        return Err(invalid(
            "the local part may contain only letters, digits, '.' and !#$%&'*+-/=?^_`{|}~",
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(invalid(
            "the local part must not start or end with '.' or contain '..'",
        ));
    }
    if !domain.contains('.') {
        return Err(invalid("the domain must contain a dot"));
    }
    if !domain
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(invalid(
            "the domain may contain only letters, digits, '-' and '.'",
        ));
    }
    if domain.split('.').any(str::is_empty) {
        return Err(invalid(
            "the domain must not start or end with '.' or contain '..'",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> SubjectInfo {
        SubjectInfo {
            common_name: "Nguyễn Tiến Dũng".to_owned(),
            uid: Some("CCCD:001089031733".parse().unwrap()),
            title: Some("Chuyên viên".to_owned()),
            organizational_unit: Some("Văn phòng".to_owned()),
            organization: Some("Sở Tài chính".to_owned()),
            locality: Some("Phường Hà Đông".to_owned()),
            province: Some("Hà Nội".to_owned()),
            email: Some("dungnt@hanoi.gov.vn".to_owned()),
        }
    }

    #[test]
    fn valid_person() {
        person().validate().unwrap();
    }

    #[test]
    fn common_name_is_required() {
        for cn in ["", "   ", "\u{00A0}"] {
            let info = SubjectInfo {
                common_name: cn.to_owned(),
                ..person()
            };
            assert_eq!(
                info.validate(),
                Err(SubjectError::MissingField {
                    field: "common_name"
                })
            );
        }
    }

    #[test]
    fn upper_bounds_count_characters() {
        // 64 Vietnamese characters are 64 characters even though they take
        // more than 64 bytes.
        let ok = SubjectInfo {
            common_name: "Ễ".repeat(64),
            ..person()
        };
        ok.validate().unwrap();

        let too_long = SubjectInfo {
            common_name: "Ễ".repeat(65),
            ..person()
        };
        let err = too_long.validate().unwrap_err();
        assert_eq!(
            err,
            SubjectError::TooLong {
                field: "common_name",
                max: 64,
                actual: 65
            }
        );
        assert_eq!(
            err.to_string(),
            "common_name is too long: 65 characters, at most 64 allowed (RFC 5280 upper bound)"
        );

        for (info, field, max) in [
            (
                SubjectInfo {
                    organization: Some("x".repeat(65)),
                    ..person()
                },
                "organization",
                64,
            ),
            (
                SubjectInfo {
                    organizational_unit: Some("x".repeat(65)),
                    ..person()
                },
                "organizational_unit",
                64,
            ),
            (
                SubjectInfo {
                    title: Some("x".repeat(65)),
                    ..person()
                },
                "title",
                64,
            ),
            (
                SubjectInfo {
                    locality: Some("x".repeat(129)),
                    ..person()
                },
                "locality",
                128,
            ),
        ] {
            assert_eq!(
                info.validate(),
                Err(SubjectError::TooLong {
                    field,
                    max,
                    actual: max + 1
                })
            );
        }
        let locality_ok = SubjectInfo {
            locality: Some("x".repeat(128)),
            ..person()
        };
        locality_ok.validate().unwrap();
    }

    #[test]
    fn control_characters_are_rejected() {
        let info = SubjectInfo {
            organization: Some("Bộ\nTài chính".to_owned()),
            ..person()
        };
        let err = info.validate().unwrap_err();
        assert_eq!(
            err,
            SubjectError::ControlCharacter {
                field: "organization",
                codepoint: 0x0A
            }
        );
        assert_eq!(
            err.to_string(),
            "organization contains the control character U+000A; only printable text is allowed"
        );
    }

    #[test]
    fn blank_optional_fields_are_rejected_but_normalised_away() {
        let info = SubjectInfo {
            title: Some("  ".to_owned()),
            ..person()
        };
        assert_eq!(
            info.validate(),
            Err(SubjectError::BlankField { field: "title" })
        );
        let normalized = info.normalized();
        assert_eq!(normalized.title, None);
        normalized.validate().unwrap();
    }

    #[test]
    fn province_must_be_the_current_name() {
        let former = SubjectInfo {
            province: Some("Bình Dương".to_owned()),
            ..person()
        };
        let err = former.validate().unwrap_err();
        assert_eq!(
            err,
            SubjectError::NotCurrentProvinceName {
                value: "Bình Dương".to_owned(),
                expected: "Thành phố Hồ Chí Minh"
            }
        );
        assert!(err.to_string().starts_with("province:"), "{err}");

        let alias = SubjectInfo {
            province: Some("TP.HCM".to_owned()),
            ..person()
        };
        assert!(matches!(
            alias.validate(),
            Err(SubjectError::NotCurrentProvinceName {
                expected: "Thành phố Hồ Chí Minh",
                ..
            })
        ));

        let unknown = SubjectInfo {
            province: Some("Atlantis".to_owned()),
            ..person()
        };
        assert!(matches!(
            unknown.validate(),
            Err(SubjectError::UnknownProvince { .. })
        ));

        // NFD spelling of a current name is fine.
        let nfd = SubjectInfo {
            province: Some("Ha\u{0300} No\u{0323}\u{0302}i".to_owned()),
            ..person()
        };
        nfd.validate().unwrap();
    }

    #[test]
    fn email_checks() {
        for good in [
            "dungnt@hanoi.gov.vn",
            "a.b+c@mof.gov.vn",
            "x@y.vn",
            "first_last-1@sub-domain.example.vn",
        ] {
            check_email(good).unwrap_or_else(|e| panic!("{good}: {e}"));
        }
        for (bad, reason) in [
            ("dungnt", "must contain an '@'"),
            ("a@b@c.vn", "must contain exactly one '@'"),
            ("@hanoi.gov.vn", "the local part before '@' is empty"),
            ("dungnt@", "the domain after '@' is empty"),
            ("dungnt@localhost", "the domain must contain a dot"),
            (
                "dũng@hanoi.gov.vn",
                "must be ASCII; internationalised addresses are not supported",
            ),
            (
                "dung nt@hanoi.gov.vn",
                "must not contain spaces or control characters",
            ),
            (
                "dungnt@hanoi..vn",
                "the domain must not start or end with '.' or contain '..'",
            ),
            (
                "dungnt@.hanoi.vn",
                "the domain must not start or end with '.' or contain '..'",
            ),
            (
                ".dungnt@hanoi.vn",
                "the local part must not start or end with '.' or contain '..'",
            ),
            (
                "dung<nt>@hanoi.vn",
                "the local part may contain only letters, digits, '.' and !#$%&'*+-/=?^_`{|}~",
            ),
            (
                "dungnt@hanoi_gov.vn",
                "the domain may contain only letters, digits, '-' and '.'",
            ),
        ] {
            assert_eq!(
                check_email(bad),
                Err(SubjectError::InvalidEmail {
                    value: bad.to_owned(),
                    reason
                }),
                "{bad}"
            );
        }
        let long = format!("{}@hanoi.gov.vn", "a".repeat(250));
        let info = SubjectInfo {
            email: Some(long),
            ..person()
        };
        assert_eq!(
            info.validate(),
            Err(SubjectError::TooLong {
                field: "email",
                max: 255,
                actual: 263
            })
        );
    }

    #[test]
    fn normalized_cleans_every_string() {
        let messy = SubjectInfo {
            common_name: "  Nguye\u{0302}\u{0303}n   Va\u{0306}n\tAn ".to_owned(),
            uid: None,
            title: Some(" Chuyên  viên ".to_owned()),
            organizational_unit: Some("Văn\u{00A0}phòng".to_owned()),
            organization: Some("  ".to_owned()),
            locality: None,
            province: Some(" Ha\u{0300}  No\u{0323}\u{0302}i ".to_owned()),
            email: Some(" an@hanoi.gov.vn ".to_owned()),
        };
        let clean = messy.normalized();
        assert_eq!(clean.common_name, "Nguyễn Văn An");
        assert_eq!(clean.title.as_deref(), Some("Chuyên viên"));
        assert_eq!(clean.organizational_unit.as_deref(), Some("Văn phòng"));
        assert_eq!(clean.organization, None);
        assert_eq!(clean.province.as_deref(), Some("Hà Nội"));
        assert_eq!(clean.email.as_deref(), Some("an@hanoi.gov.vn"));
        clean.validate().unwrap();
    }

    #[test]
    fn serde_round_trip() {
        let info = person();
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["uid"], "CCCD:001089031733");
        let back: SubjectInfo = serde_json::from_value(json).unwrap();
        assert_eq!(back, info);

        let minimal: SubjectInfo =
            serde_json::from_str(r#"{"common_name": "TỔNG CỤC THUẾ"}"#).unwrap();
        assert_eq!(minimal.uid, None);
        let bad = serde_json::from_str::<SubjectInfo>(r#"{"common_name": "A", "uid": "CCCD:1"}"#);
        assert!(bad.is_err());
    }
}
