//! [`Ca::preview`]: what a command would issue, for the approver who
//! decides it: the subject exactly as the certificate will carry it, the
//! validity, the key and its SHA-256 fingerprint — computed by the very
//! plan the issuance runs (`lifecycle::issue`), never by a second copy of
//! its rules — and the CSR's own subject with its differences from the
//! certificate's.

use super::{issue_request, replace_request, Command};
use crate::lifecycle::CertificatePreview;
use crate::{Ca, CaError};

/// What a command would issue.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Preview {
    /// The certificate it would issue now.
    pub certificate: CertificatePreview,
    /// The subject the CSR names for itself, when a CSR is given.
    pub csr_subject: Option<String>,
    /// The attributes where the CSR's subject and the certificate's differ
    /// (the certificate's come from the registry; the CSR's are ignored).
    pub differences: Vec<SubjectDifference>,
}

/// One attribute type whose values differ between the CSR's subject and
/// the certificate's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SubjectDifference {
    /// The attribute type (`CN`, `O`, `UID` …, or a dotted OID).
    pub attribute: String,
    /// Its value(s) in the CSR, if any.
    pub csr: Option<String>,
    /// Its value(s) in the certificate, if any.
    pub certificate: Option<String>,
}

impl Ca {
    /// What `command` would issue if it were carried out now (issue,
    /// renew, change of information, re-issue; `None` for the others).
    /// Runs the plan of the issuance itself, so a command the CA would
    /// refuse is refused here with the same error ([`Ca::check`]).
    pub fn preview(&self, command: &Command) -> Result<Option<Preview>, CaError> {
        super::check_fields(command)?;
        let (certificate, csr) = match command {
            Command::Issue { csr, .. } => {
                let profile = self.issue_profile(command)?;
                let (plan, _) = self.plan_issue(&issue_request(command, &profile, ""))?;
                (plan.preview()?, Some(csr.as_str()))
            }
            Command::Renew { csr, .. } | Command::ChangeInfo { csr, .. } => {
                let (req, op) = replace_request(command, "")?;
                let (plan, _, _) = self.check_replace(&req, op)?;
                (plan.preview()?, csr.as_deref())
            }
            Command::Reissue { csr, .. } => {
                let (req, op) = replace_request(command, "")?;
                let (plan, _, _) = self.check_replace(&req, op)?;
                (plan.preview()?, Some(csr.as_str()))
            }
            _ => return Ok(None),
        };
        // The CA ignores the CSR's subject: one it cannot read is shown
        // as missing rather than refusing the preview.
        let csr_subject = csr.and_then(|c| crate::csr::csr_subject(c.as_bytes()).ok());
        let differences = csr_subject
            .as_deref()
            .map(|s| differences(s, &certificate.subject))
            .unwrap_or_default();
        Ok(Some(Preview {
            certificate,
            csr_subject,
            differences,
        }))
    }
}

/// The attribute types whose values differ between two RFC 4514 names,
/// in the order they first appear (the certificate's first).
fn differences(csr: &str, certificate: &str) -> Vec<SubjectDifference> {
    let (a, b) = (attributes(csr), attributes(certificate));
    let mut types: Vec<&str> = Vec::new();
    for (t, _) in b.iter().chain(a.iter()) {
        if !types.contains(&t.as_str()) {
            types.push(t);
        }
    }
    types
        .into_iter()
        .filter_map(|t| {
            let values = |all: &[(String, String)]| {
                let v: Vec<&str> = all
                    .iter()
                    .filter(|(k, _)| k == t)
                    .map(|(_, v)| v.as_str())
                    .collect();
                (!v.is_empty()).then(|| v.join(" + "))
            };
            let (in_csr, in_cert) = (values(&a), values(&b));
            (in_csr != in_cert).then(|| SubjectDifference {
                attribute: t.to_owned(),
                csr: in_csr,
                certificate: in_cert,
            })
        })
        .collect()
}

/// (type, value) pairs of an RFC 4514 name, escapes kept in the values.
fn attributes(name: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    let mut push = |part: &mut String| {
        if let Some((t, v)) = part.split_once('=') {
            out.push((t.trim().to_owned(), v.trim().to_owned()));
        }
        part.clear();
    };
    for c in name.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == ',' || c == '+' {
            push(&mut current);
        } else {
            current.push(c);
        }
    }
    push(&mut current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_each_attribute_that_differs() {
        let d = differences(
            "CN=ignored,O=Example",
            "CN=Nguyễn Văn An,O=Sở Khoa học và Công nghệ,C=VN",
        );
        assert_eq!(
            d.iter().map(|d| d.attribute.as_str()).collect::<Vec<_>>(),
            ["CN", "O", "C"]
        );
        assert_eq!(d[0].csr.as_deref(), Some("ignored"));
        assert_eq!(d[2].csr, None);
        assert!(differences("CN=A\\,B,C=VN", "CN=A\\,B,C=VN").is_empty());
    }
}
