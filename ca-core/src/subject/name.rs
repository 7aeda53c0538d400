//! The names that end up in a certificate (CN, title, OU, O, L, ST) and
//! the rules every one of them keeps wherever it enters the registry: the
//! RFC 5280 upper bound of its attribute (counted in characters), NFC, no
//! control character, no invisible format character and no bidirectional
//! control (U+202A–U+202E, U+2066–U+2069, and the marks U+200E, U+200F,
//! U+061C), which could make a name read differently from what it holds.
//! [`SubjectInfo::validate`](super::SubjectInfo::validate) applies the
//! same character and length rules when a certificate is built, so a name
//! accepted here is a name the profile can issue.

use super::text::clean;
use super::SubjectError;

/// ub-common-name (RFC 5280 Appendix A), in characters.
pub const UB_COMMON_NAME: usize = 64;
/// ub-organization-name.
pub const UB_ORGANIZATION_NAME: usize = 64;
/// ub-organizational-unit-name.
pub const UB_ORGANIZATIONAL_UNIT_NAME: usize = 64;
/// ub-locality-name.
pub const UB_LOCALITY_NAME: usize = 128;
/// ub-state-name.
pub const UB_STATE_NAME: usize = 128;
/// ub-title.
pub const UB_TITLE: usize = 64;
/// ub-emailaddress-length.
pub const UB_EMAIL_ADDRESS: usize = 255;

/// Which attribute of the subject a name becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameKind {
    /// CN: a person's full name, an organization's or a device's name.
    CommonName,
    /// title: a person's position.
    Title,
    /// OU: the unit (a registered unit's name).
    OrganizationalUnit,
    /// O: the parent agency.
    Organization,
    /// L: ward, commune, district.
    Locality,
    /// ST: the province.
    Province,
}

impl NameKind {
    /// The field name the refusals carry (`common_name`,
    /// `organizational_unit` …).
    pub fn field(self) -> &'static str {
        match self {
            Self::CommonName => "common_name",
            Self::Title => "title",
            Self::OrganizationalUnit => "organizational_unit",
            Self::Organization => "organization",
            Self::Locality => "locality",
            Self::Province => "province",
        }
    }

    /// The RFC 5280 upper bound of the attribute, in characters.
    pub fn upper_bound(self) -> usize {
        match self {
            Self::CommonName => UB_COMMON_NAME,
            Self::Title => UB_TITLE,
            Self::OrganizationalUnit => UB_ORGANIZATIONAL_UNIT_NAME,
            Self::Organization => UB_ORGANIZATION_NAME,
            Self::Locality => UB_LOCALITY_NAME,
            Self::Province => UB_STATE_NAME,
        }
    }

    /// The name as it is stored and certified (NFC, trimmed, whitespace
    /// runs collapsed to one space), or why it cannot be: blank, a
    /// control, format or bidirectional character (the first one, by code
    /// point), or longer than [`upper_bound`](Self::upper_bound).
    pub fn check(self, value: &str) -> Result<String, SubjectError> {
        check_named(self.field(), value, self.upper_bound())
    }
}

/// [`NameKind::check`] for a registry name kept beside the certified ones
/// (a unit's parent agency): the same rules, under its own field name and
/// bound.
pub fn check_named(field: &'static str, value: &str, max: usize) -> Result<String, SubjectError> {
    let name = clean(value);
    if name.is_empty() {
        return Err(SubjectError::MissingField { field });
    }
    check_text(field, &name, max)?;
    Ok(name)
}

/// Refuses a forbidden character (see [`forbidden`]) and values longer
/// than `max` characters.
pub(super) fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), SubjectError> {
    if let Some(refusal) = value.chars().find_map(|c| forbidden(field, c)) {
        return Err(refusal);
    }
    let actual = value.chars().count();
    if actual > max {
        return Err(SubjectError::TooLong { field, max, actual });
    }
    Ok(())
}

/// The refusal of a character no certified name may hold: a control
/// character (Unicode Cc), a bidirectional control, or an invisible
/// format character (zero-width spaces and joiners, the soft hyphen, the
/// byte-order mark, invisible operators, interlinear annotation and tag
/// characters).
fn forbidden(field: &'static str, c: char) -> Option<SubjectError> {
    let codepoint = u32::from(c);
    if c.is_control() {
        return Some(SubjectError::ControlCharacter { field, codepoint });
    }
    if is_bidi_control(c) {
        return Some(SubjectError::BidiControl { field, codepoint });
    }
    let format = matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    );
    format.then_some(SubjectError::FormatCharacter { field, codepoint })
}

/// The explicit bidirectional formatting characters (embeddings,
/// overrides, isolates and their terminators) and the implicit marks.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_nfc_and_single_spaced() {
        assert_eq!(
            NameKind::OrganizationalUnit
                .check("  So\u{031B}\u{0309}  Ta\u{0300}i chi\u{0301}nh\t")
                .unwrap(),
            "Sở Tài chính"
        );
    }

    #[test]
    fn bounds_are_rfc_5280_in_characters() {
        for kind in [
            NameKind::CommonName,
            NameKind::Title,
            NameKind::OrganizationalUnit,
            NameKind::Organization,
            NameKind::Locality,
            NameKind::Province,
        ] {
            let max = kind.upper_bound();
            assert_eq!(kind.check(&"Đ".repeat(max)).unwrap().chars().count(), max);
            assert_eq!(
                kind.check(&"Đ".repeat(max + 1)),
                Err(SubjectError::TooLong {
                    field: kind.field(),
                    max,
                    actual: max + 1
                })
            );
        }
        assert_eq!(NameKind::OrganizationalUnit.upper_bound(), 64);
        assert_eq!(NameKind::Locality.upper_bound(), 128);
    }

    #[test]
    fn control_bidi_and_format_characters_are_refused() {
        let unit = NameKind::OrganizationalUnit;
        assert_eq!(
            unit.check("Sở\u{0000}NUL"),
            Err(SubjectError::ControlCharacter {
                field: "organizational_unit",
                codepoint: 0
            })
        );
        for bidi in (0x202A..=0x202E).chain(0x2066..=0x2069) {
            let c = char::from_u32(bidi).unwrap();
            assert_eq!(
                NameKind::CommonName.check(&format!("Nguyễn{c}Văn An")),
                Err(SubjectError::BidiControl {
                    field: "common_name",
                    codepoint: bidi
                }),
                "U+{bidi:04X}"
            );
        }
        for format in ['\u{200B}', '\u{FEFF}', '\u{00AD}', '\u{2060}'] {
            assert_eq!(
                NameKind::Title.check(&format!("Chuyên{format}viên")),
                Err(SubjectError::FormatCharacter {
                    field: "title",
                    codepoint: u32::from(format)
                })
            );
        }
        assert_eq!(
            unit.check(" \t "),
            Err(SubjectError::MissingField {
                field: "organizational_unit"
            })
        );
        let e = NameKind::CommonName.check("abc\u{202E}fed").unwrap_err();
        assert_eq!(
            e.to_string(),
            "common_name contains the bidirectional control character U+202E, \
             which would make the name read differently from what it holds"
        );
    }

    #[test]
    fn vietnamese_and_punctuation_pass() {
        for name in [
            "Sở Thông tin và Truyền thông",
            "UBND phường Ninh Kiều (cũ)",
            "Phòng Kế hoạch – Tài chính",
            "=Sở “A”, +B, -C, @D",
        ] {
            NameKind::OrganizationalUnit.check(name).unwrap();
        }
    }
}
