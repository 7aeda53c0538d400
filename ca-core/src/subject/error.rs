//! The one error type of the subject module: every way a subscriber's
//! identity can be rejected, each naming the field and saying why.

use thiserror::Error;

/// Why a subscriber identity (national ID, province, distinguished-name
/// attribute or e-mail address) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SubjectError {
    /// A national identifier for the UID attribute is malformed.
    #[error("{field}: invalid national ID {value:?}: {reason}")]
    InvalidNationalId {
        /// The field holding the identifier (`uid`).
        field: &'static str,
        /// The input as given, trimmed.
        value: String,
        /// Which kind was expected and what is wrong with it.
        reason: String,
    },

    /// A province name matches none of the 34 current provincial-level
    /// units, none of their former names and no known alias.
    #[error(
        "province: {value:?} is not one of the 34 current provinces or cities, \
         nor a former (pre-July-2025) province name"
    )]
    UnknownProvince {
        /// The input as given.
        value: String,
    },

    /// A province name written without diacritics matches more than one
    /// unit, so it cannot be resolved safely.
    #[error(
        "province: {value:?} written without diacritics matches several provinces ({}); \
         write it with diacritics",
        .candidates.join(", ")
    )]
    AmbiguousProvince {
        /// The input as given.
        value: String,
        /// The names it could mean.
        candidates: Vec<&'static str>,
    },

    /// The ST attribute must carry the official current name of one of the
    /// 34 units; the value resolves to one, but is written differently
    /// (an alias, another spelling, or a former province).
    #[error(
        "province: {value:?} resolves to {expected:?}; the certificate must carry \
         the current official name"
    )]
    NotCurrentProvinceName {
        /// The value as given.
        value: String,
        /// The current official name it resolves to.
        expected: &'static str,
    },

    /// A required field is absent or blank.
    #[error("{field} is required but missing or blank")]
    MissingField {
        /// The missing field.
        field: &'static str,
    },

    /// An optional field is present but holds only whitespace.
    #[error("{field} is present but blank; leave it out instead")]
    BlankField {
        /// The blank field.
        field: &'static str,
    },

    /// A value exceeds its RFC 5280 upper bound (counted in characters).
    #[error(
        "{field} is too long: {actual} characters, at most {max} allowed (RFC 5280 upper bound)"
    )]
    TooLong {
        /// The over-long field.
        field: &'static str,
        /// The upper bound, in characters.
        max: usize,
        /// The length found, in characters.
        actual: usize,
    },

    /// A value contains a control character (tab, newline, NUL, ...).
    #[error(
        "{field} contains the control character U+{codepoint:04X}; only printable text is allowed"
    )]
    ControlCharacter {
        /// The offending field.
        field: &'static str,
        /// The Unicode code point of the first control character found.
        codepoint: u32,
    },

    /// A value contains a bidirectional control character (an embedding,
    /// override or isolate, U+202A–U+202E, U+2066–U+2069, or a mark
    /// U+200E, U+200F, U+061C): the name would be shown in another order
    /// than the one it holds.
    #[error(
        "{field} contains the bidirectional control character U+{codepoint:04X}, \
         which would make the name read differently from what it holds"
    )]
    BidiControl {
        /// The offending field.
        field: &'static str,
        /// The code point of the first one found.
        codepoint: u32,
    },

    /// A value contains an invisible format character (a zero-width space
    /// or joiner, the soft hyphen, the byte-order mark …).
    #[error(
        "{field} contains the invisible character U+{codepoint:04X}; only visible text is allowed"
    )]
    FormatCharacter {
        /// The offending field.
        field: &'static str,
        /// The code point of the first one found.
        codepoint: u32,
    },

    /// The e-mail address (SAN rfc822Name) is not a plain ASCII addr-spec.
    #[error("email: invalid address {value:?}: {reason}")]
    InvalidEmail {
        /// The address as given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// DER encoding of the distinguished name failed.
    #[error("subject DN encoding failed: {0}")]
    Encoding(String),
}

impl SubjectError {
    /// Whether a name cannot go into a certificate as written: too long,
    /// or holding a control, format or bidirectional character (the
    /// e-mail address is no name: its refusals are not).
    pub fn is_name_problem(&self) -> bool {
        match self {
            Self::TooLong { field, .. }
            | Self::ControlCharacter { field, .. }
            | Self::BidiControl { field, .. }
            | Self::FormatCharacter { field, .. } => *field != "email",
            _ => false,
        }
    }
}
