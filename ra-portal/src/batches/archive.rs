//! The `.zip` of certificates an officer downloads for a batch or a unit
//! change: one PEM file per person, named
//! `<identity number>_<name folded to ASCII>_<serial>.pem`, and
//! `chain.pem` with every issuer certificate above them.

use std::io::Write;

use ca_core::store::models::{CertificateRow, SubscriberRow};
use ca_core::Ca;

use crate::error::PortalError;
use crate::error_code::ErrorCode;

/// The certificates gathered so far.
#[derive(Debug, Default)]
pub struct Archive {
    files: Vec<(String, String)>,
    chain: Vec<Vec<u8>>,
}

impl Archive {
    /// Adds `row`, held by `holder`, and its issuers to the chain.
    pub fn add(
        &mut self,
        ca: &Ca,
        row: &CertificateRow,
        holder: &SubscriberRow,
    ) -> Result<(), PortalError> {
        let der = row.cert_der.as_ref().ok_or_else(|| {
            PortalError::conflict(
                ErrorCode::NotIssued,
                format!("certificate {} is not signed yet", row.serial),
            )
        })?;
        let number = holder
            .uid
            .as_deref()
            .and_then(|u| u.split_once(':'))
            .map_or_else(|| format!("s{}", holder.id), |(_, n)| n.to_owned());
        let name = format!(
            "{}_{}_{}.pem",
            fold(&number),
            fold(&holder.full_name),
            row.serial.to_ascii_lowercase()
        );
        self.files
            .push((name, ca_core::certificate::der_to_pem(der)));
        let mut next = Some(row.issuer_id.clone());
        let mut depth = 0;
        while let Some(id) = next.take() {
            let issuer = ca.issuer(&id)?;
            if let Some(d) = issuer.cert_der.clone() {
                if !self.chain.contains(&d) {
                    self.chain.push(d);
                }
            }
            depth += 1;
            if depth < 16 {
                next = issuer.parent_id.filter(|p| *p != id);
            }
        }
        Ok(())
    }

    /// The `.zip` (entries stored: PEM text compresses little and the
    /// archive stays readable by every tool).
    pub fn finish(self) -> Result<Vec<u8>, PortalError> {
        let internal = |e: &dyn std::fmt::Display| PortalError::Internal(format!("zip: {e}"));
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let chain: String = self
            .chain
            .iter()
            .map(|d| ca_core::certificate::der_to_pem(d))
            .collect();
        for (name, pem) in self
            .files
            .iter()
            .map(|(n, p)| (n.as_str(), p.as_str()))
            .chain([("chain.pem", chain.as_str())])
        {
            zip.start_file(name, options).map_err(|e| internal(&e))?;
            zip.write_all(pem.as_bytes()).map_err(|e| internal(&e))?;
        }
        Ok(zip.finish().map_err(|e| internal(&e))?.into_inner())
    }
}

/// `s` folded to ASCII for a file name: Vietnamese letters without their
/// marks (`đ` → `d`), anything else but letters and digits as `-`.
pub(super) fn fold(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    for c in s.nfd().filter(|c| !is_combining_mark(*c)) {
        let c = match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_fold_to_ascii() {
        assert_eq!(super::fold("Nguyễn Văn Đức"), "Nguyen-Van-Duc");
        assert_eq!(super::fold("Huỳnh Thị Ánh/../"), "Huynh-Thi-Anh");
    }
}
