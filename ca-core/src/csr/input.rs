//! Turning the uploaded bytes (DER or PEM) into DER.

use std::borrow::Cow;

use super::CsrError;

/// PEM labels used for PKCS#10 requests (the second one by older Microsoft
/// and Java tools).
const LABELS: [&str; 2] = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

/// Returns the DER of the request: the input itself if it starts like a DER
/// SEQUENCE (0x30), otherwise the decoded PEM block.
pub(super) fn request_der(input: &[u8]) -> Result<Cow<'_, [u8]>, CsrError> {
    match input.first() {
        None => Err(CsrError::NotPemOrDer),
        Some(0x30) => Ok(Cow::Borrowed(input)),
        Some(_) => pem_to_der(input).map(Cow::Owned),
    }
}

fn malformed(detail: impl Into<String>) -> CsrError {
    CsrError::Malformed {
        detail: detail.into(),
    }
}

/// Extracts the PEM block leniently (any line width, CRLF, text before the
/// block), then re-wraps it in the strict RFC 7468 form and decodes it.
fn pem_to_der(input: &[u8]) -> Result<Vec<u8>, CsrError> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";

    let text = std::str::from_utf8(input).map_err(|_| CsrError::NotPemOrDer)?;
    let begin = text.find(BEGIN).ok_or(CsrError::NotPemOrDer)?;
    let after_begin = &text[begin + BEGIN.len()..];
    let label_len = after_begin
        .find(DASHES)
        .ok_or_else(|| malformed("PEM BEGIN line is not terminated by -----"))?;
    let label = &after_begin[..label_len];
    if !LABELS.contains(&label) {
        return Err(CsrError::UnexpectedPemLabel {
            label: label.to_owned(),
        });
    }

    let rest = &after_begin[label_len + DASHES.len()..];
    let end_line = format!("-----END {label}-----");
    let body_len = rest
        .find(&end_line)
        .ok_or_else(|| malformed(format!("PEM block has no \"{end_line}\" line")))?;
    let body = &rest[..body_len];
    if !rest[body_len + end_line.len()..].trim().is_empty() {
        return Err(malformed("unexpected data after the PEM END line"));
    }

    let base64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if base64.contains(':') {
        return Err(malformed("PEM headers are not supported"));
    }
    if !base64
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return Err(malformed("PEM body is not valid Base64"));
    }

    let mut strict = String::with_capacity(base64.len() + base64.len() / 64 + 80);
    strict.push_str(BEGIN);
    strict.push_str(label);
    strict.push_str(DASHES);
    for (i, c) in base64.chars().enumerate() {
        if i % 64 == 0 {
            strict.push('\n');
        }
        strict.push(c);
    }
    strict.push('\n');
    strict.push_str(&end_line);
    strict.push('\n');

    let (_, der) =
        der::pem::decode_vec(strict.as_bytes()).map_err(|err| malformed(format!("PEM: {err}")))?;
    Ok(der)
}
