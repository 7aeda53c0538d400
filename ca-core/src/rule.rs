//! [`Rule`]: the refusals of the CA's own rules that a caller shows next to
//! a field or answers with a stable machine code (`invalid_days`,
//! `duplicate_unit` …). The codes are a closed set, so a portal can word
//! each of them in every language it speaks and a test can prove it does.

use std::fmt;

/// Which rule refused a request: one variant per stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A unit name that cannot be a certificate's OU: empty, too long,
    /// or holding a control, format or bidirectional character.
    InvalidName,
    /// Not an electronic agency code (Quyết định 20/2020/QĐ-TTg).
    InvalidAgencyCode,
    /// A parent unit that is missing, of another province, or a cycle.
    InvalidParent,
    /// A tax code (MST) that is not one.
    InvalidIdentity,
    /// The province has a unit of that name already.
    DuplicateUnit,
    /// Another unit holds the electronic agency code.
    DuplicateAgencyCode,
    /// A unit's new name that cannot be a certificate's OU (as
    /// [`Rule::InvalidName`]).
    InvalidUnitName,
    /// A unit change that is neither one rename nor one merger.
    InvalidUnitChange,
    /// A unit merged into itself.
    SelfMerge,
    /// A unit merged into a unit of another province.
    OtherProvince,
    /// A unit renamed to a name its province uses already.
    UnitNameTaken,
    /// A validity outside what the profile allows.
    InvalidDays,
    /// A revocation reason the operation does not take.
    InvalidReason,
    /// A field the operation needs is missing.
    MissingField,
    /// A CA certificate named where a subscriber's is needed.
    NotASubscriberCertificate,
    /// A token no subscriber holds.
    TokenWithoutHolder,
    /// A subscriber key that is a key of the CA itself (an issuer's or an
    /// OCSP delegate's).
    CaKey,
    /// A subscriber key certified to another subscriber.
    KeyOfAnotherSubscriber,
    /// A new issuance on the key of one of the subscriber's own valid
    /// certificates (a renewal keeps a key; a new issuance needs a new one).
    KeyAlreadyCertified,
    /// A unit change after which a subscriber of the unit could no longer
    /// be certified (its subject under the new unit name breaks the
    /// profile's name rules).
    UnissuableSubject,
    /// A renewal that would end no later than the certificate it renews
    /// (the issuing CA's certificate ends first).
    RenewalCannotExtend,
    /// A telephone number that is not a Vietnamese one.
    InvalidPhone,
    /// A unit the province's registry does not hold (a change of
    /// information names one of the registered units).
    UnknownUnit,
}

/// Every rule, for tests that each has its wording.
pub const RULES: [Rule; 23] = [
    Rule::InvalidName,
    Rule::InvalidAgencyCode,
    Rule::InvalidParent,
    Rule::InvalidIdentity,
    Rule::DuplicateUnit,
    Rule::DuplicateAgencyCode,
    Rule::InvalidUnitName,
    Rule::InvalidUnitChange,
    Rule::SelfMerge,
    Rule::OtherProvince,
    Rule::UnitNameTaken,
    Rule::InvalidDays,
    Rule::InvalidReason,
    Rule::MissingField,
    Rule::NotASubscriberCertificate,
    Rule::TokenWithoutHolder,
    Rule::CaKey,
    Rule::KeyOfAnotherSubscriber,
    Rule::KeyAlreadyCertified,
    Rule::UnissuableSubject,
    Rule::RenewalCannotExtend,
    Rule::InvalidPhone,
    Rule::UnknownUnit,
];

impl Rule {
    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidName => "invalid_name",
            Self::InvalidAgencyCode => "invalid_agency_code",
            Self::InvalidParent => "invalid_parent",
            Self::InvalidIdentity => "invalid_identity",
            Self::DuplicateUnit => "duplicate_unit",
            Self::DuplicateAgencyCode => "duplicate_agency_code",
            Self::InvalidUnitName => "invalid_unit_name",
            Self::InvalidUnitChange => "invalid_unit_change",
            Self::SelfMerge => "self_merge",
            Self::OtherProvince => "other_province",
            Self::UnitNameTaken => "unit_name_taken",
            Self::InvalidDays => "invalid_days",
            Self::InvalidReason => "invalid_reason",
            Self::MissingField => "missing_field",
            Self::NotASubscriberCertificate => "not_a_subscriber_certificate",
            Self::TokenWithoutHolder => "token_without_holder",
            Self::CaKey => "ca_key",
            Self::KeyOfAnotherSubscriber => "key_of_another_subscriber",
            Self::KeyAlreadyCertified => "key_already_certified",
            Self::UnissuableSubject => "unissuable_subject",
            Self::RenewalCannotExtend => "renewal_cannot_extend",
            Self::InvalidPhone => "invalid_phone",
            Self::UnknownUnit => "unknown_unit",
        }
    }

    /// Whether the refusal is a conflict with what is registered (HTTP
    /// 409) rather than invalid input (422).
    pub fn is_conflict(self) -> bool {
        matches!(
            self,
            Self::DuplicateUnit
                | Self::DuplicateAgencyCode
                | Self::UnitNameTaken
                | Self::CaKey
                | Self::KeyOfAnotherSubscriber
                | Self::KeyAlreadyCertified
                | Self::RenewalCannotExtend
        )
    }

    /// The refusal, with what the person must fix.
    pub(crate) fn refuse(self, message: impl Into<String>) -> crate::CaError {
        crate::CaError::Rule {
            rule: self,
            message: message.into(),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct() {
        let codes: std::collections::HashSet<&str> = RULES.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), RULES.len());
    }
}
