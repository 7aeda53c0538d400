//! Certs-only ("degenerate") PKCS#7 / CMS SignedData (RFC 5652 §5,
//! RFC 8551 §3.2.2): a bag of certificates with no content and no signers,
//! the `.p7c` format Windows and many verifiers import a chain from.

use cms::cert::CertificateChoices;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{CertificateSet, EncapsulatedContentInfo, SignedData, SignerInfos};
use der::asn1::SetOfVec;
use der::oid::ObjectIdentifier;
use der::{Any, Encode};
use x509_cert::Certificate;

/// id-data (RFC 5652 §4).
const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData (RFC 5652 §5.1).
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

/// The DER ContentInfo of a certs-only SignedData holding `certs`: version
/// 1, no digest algorithms, id-data without content, no signer infos. The
/// certificates are a DER SET, so their order is the encoding's, not the
/// chain's; verifiers rebuild the path themselves.
pub(crate) fn certs_only<'a>(
    certs: impl IntoIterator<Item = &'a Certificate>,
) -> Result<Vec<u8>, der::Error> {
    let choices: Vec<CertificateChoices> = certs
        .into_iter()
        .map(|c| CertificateChoices::Certificate(c.clone()))
        .collect();
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::new(),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(SetOfVec::try_from(choices)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::new()),
    };
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed)?,
    }
    .to_der()
}
