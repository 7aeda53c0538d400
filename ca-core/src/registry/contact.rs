//! A subscriber's telephone number: checked where it enters the registry
//! (API, pages, CSV import all register through [`super::check_subscriber`]).
//! The e-mail address is checked with the subject (`subject::info`),
//! because it goes into the certificate's SAN.

use crate::rule::Rule;
use crate::CaError;

/// The most characters a telephone number may have as typed.
pub const MAX_PHONE: usize = 32;

/// A Vietnamese telephone number, trimmed with its inner whitespace
/// collapsed, or `None` when `value` is absent or blank.
///
/// Accepted: the national form `0` followed by 9 digits (mobile) or 10
/// (landline with its area code), or the international form `+84` (or
/// `84`) followed by the same digits without the leading `0`; spaces, dots
/// and hyphens may group the digits. Anything else (letters, `abc-xyz`, too
/// few or too many digits) is refused with [`Rule::InvalidPhone`].
pub fn phone(value: Option<&str>) -> Result<Option<String>, CaError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let refuse = || {
        Rule::InvalidPhone.refuse(format!(
            "phone {value:?} is not a Vietnamese telephone number: 0 and 9 or 10 digits, or +84 and 9 or 10 digits (spaces, dots and hyphens allowed)"
        ))
    };
    if value.chars().count() > MAX_PHONE {
        return Err(refuse());
    }
    let (international, rest) = match value.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'))
        || !rest.starts_with(|c: char| c.is_ascii_digit())
        || !rest.ends_with(|c: char| c.is_ascii_digit())
    {
        return Err(refuse());
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let national = match digits.strip_prefix("84") {
        Some(subscriber) if international || digits.len() >= 11 => subscriber,
        _ if international => return Err(refuse()),
        _ => match digits.strip_prefix('0') {
            Some(subscriber) => subscriber,
            None => return Err(refuse()),
        },
    };
    if !(9..=10).contains(&national.len()) || national.starts_with('0') {
        return Err(refuse());
    }
    Ok(Some(value.split_whitespace().collect::<Vec<_>>().join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_numbers_are_accepted_as_typed() {
        for ok in [
            "0912345678",
            "0912 345 678",
            "091.234.5678",
            "+84 912 345 678",
            "+84912345678",
            "84912345678",
            "0292 3820 123",
            "029-2382-0123",
        ] {
            assert!(phone(Some(ok)).is_ok_and(|p| p.is_some()), "{ok}");
        }
        assert_eq!(
            phone(Some("  0912   345 678 ")).ok().flatten().as_deref(),
            Some("0912 345 678")
        );
        assert_eq!(phone(None).ok().flatten(), None);
        assert_eq!(phone(Some("  ")).ok().flatten(), None);
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "abc-xyz",
            "12345",
            "091234567",
            "091234567890",
            "+1 202 555 0100",
            "+84 0912 345 678",
            "0912345678x",
            "(091) 234 5678",
            "0912\u{202e}345678",
            "-0912345678",
            "0912345678.",
            "1912345678",
        ] {
            match phone(Some(bad)) {
                Err(CaError::Rule { rule, .. }) => assert_eq!(rule, Rule::InvalidPhone, "{bad}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }
}
