//! The file names verifiers ask for under `/ca/`: `{issuer}.crt`,
//! `{issuer}.pem`, `{issuer}-chain.pem`, `{issuer}.p7c`. Parsed once, at the
//! edge, into an [`IssuerId`] that can only hold a well-formed id, so that
//! nothing a client sends reaches the database or a response unchecked.

use std::fmt;

/// The longest issuer id the CA accepts (`ca_core::hierarchy` refuses
/// longer ones at creation).
const MAX_ID_LEN: usize = 32;

/// A well-formed issuer id: 1–32 lowercase ASCII letters, digits and `-`,
/// not starting with `-` — the rule the CA applies when it creates one, so
/// every id in the issuers table has this form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct IssuerId(String);

/// What is downloaded about an issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `.crt`: the certificate, DER (the AIA caIssuers target).
    Der,
    /// `.pem`: the certificate, PEM.
    Pem,
    /// `-chain.pem`: the issuer up to its root, PEM, issuer first.
    ChainPem,
    /// `.p7c`: the same chain as a certs-only PKCS#7 SignedData, DER.
    Pkcs7,
}

/// A requested file: the issuer and the format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Download {
    /// The issuer.
    pub(crate) issuer: IssuerId,
    /// The format.
    pub(crate) format: Format,
}

impl IssuerId {
    /// The id as text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for IssuerId {
    type Error = ();

    fn try_from(s: &str) -> Result<Self, ()> {
        let ok = !s.is_empty()
            && s.len() <= MAX_ID_LEN
            && !s.starts_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(())
        }
    }
}

impl fmt::Display for IssuerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Format {
    /// The file name suffix after the issuer id.
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Self::Der => ".crt",
            Self::Pem => ".pem",
            Self::ChainPem => "-chain.pem",
            Self::Pkcs7 => ".p7c",
        }
    }

    /// The media type of the body.
    pub(crate) fn media_type(self) -> (&'static str, &'static str) {
        match self {
            Self::Der => ("application", "pkix-cert"),
            Self::Pem | Self::ChainPem => ("application", "x-pem-file"),
            Self::Pkcs7 => ("application", "pkcs7-mime"),
        }
    }
}

impl Download {
    /// The readings of a file name, most specific first. `gov-chain.pem`
    /// has two: the chain of `gov`, or the PEM of an issuer called
    /// `gov-chain`; the caller takes the first whose issuer exists. Empty
    /// when the name cannot be a download (bad suffix, bad id, too long).
    pub(crate) fn candidates(name: &str) -> Vec<Self> {
        // Longer than any id plus suffix: refused before any work.
        if name.len() > MAX_ID_LEN + Format::ChainPem.suffix().len() {
            return Vec::new();
        }
        [Format::ChainPem, Format::Pem, Format::Der, Format::Pkcs7]
            .into_iter()
            .filter_map(|format| {
                let stem = name.strip_suffix(format.suffix())?;
                let issuer = IssuerId::try_from(stem).ok()?;
                Some(Self { issuer, format })
            })
            .collect()
    }

    /// The file name, as it appears in URLs.
    pub(crate) fn file_name(&self) -> String {
        format!("{}{}", self.issuer, self.format.suffix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str) -> Vec<(String, Format)> {
        Download::candidates(name)
            .into_iter()
            .map(|d| (d.issuer.to_string(), d.format))
            .collect()
    }

    #[test]
    fn each_suffix_is_recognised() {
        assert_eq!(parse("root.crt"), [("root".into(), Format::Der)]);
        assert_eq!(parse("gov-ca.pem"), [("gov-ca".into(), Format::Pem)]);
        assert_eq!(parse("gov-ca.p7c"), [("gov-ca".into(), Format::Pkcs7)]);
        assert_eq!(
            parse("gov-ca-chain.pem"),
            [
                ("gov-ca".into(), Format::ChainPem),
                ("gov-ca-chain".into(), Format::Pem)
            ]
        );
    }

    #[test]
    fn malformed_names_have_no_reading() {
        for name in [
            "",
            ".crt",
            "-chain.pem",
            "root",
            "root.der",
            "root.CRT",
            "Root.crt",
            "../root.crt",
            "..%2Froot.crt",
            "a/b.crt",
            "root.crt.exe",
            "gốc.crt",
            "-x.crt",
            "root\0.crt",
            "root .crt",
        ] {
            assert!(parse(name).is_empty(), "{name:?}");
        }
        let long = format!("{}.crt", "a".repeat(33));
        assert!(parse(&long).is_empty());
        assert!(parse(&"a".repeat(100_000)).is_empty());
        let max = format!("{}.crt", "a".repeat(32));
        assert_eq!(parse(&max).len(), 1);
    }
}
