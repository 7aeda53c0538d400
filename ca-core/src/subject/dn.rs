//! Encoding of a [`SubjectInfo`] as an X.509 distinguished name: one
//! attribute per RDN, in the order C, ST, L, O, OU, title, CN, UID, every
//! value a UTF8String except countryName, which RFC 5280 requires to be a
//! PrintableString.

use const_oid::db::rfc4519;
use der::asn1::{ObjectIdentifier, SetOfVec};
use der::{Any, Tag};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use super::{SubjectError, SubjectInfo};

/// The countryName of every subject.
const COUNTRY: &str = "VN";

impl SubjectInfo {
    /// Normalises (see [`normalized`](Self::normalized)), validates (see
    /// [`validate`](Self::validate)) and encodes the subject DN.
    pub fn to_name(&self) -> Result<Name, SubjectError> {
        let subject = self.normalized();
        subject.validate()?;
        let uid = subject.uid.as_ref().map(ToString::to_string);

        let mut rdns = vec![rdn(
            "country",
            rfc4519::COUNTRY_NAME,
            Tag::PrintableString,
            COUNTRY,
        )?];
        let attributes = [
            ("province", rfc4519::ST, subject.province.as_deref()),
            (
                "locality",
                rfc4519::LOCALITY_NAME,
                subject.locality.as_deref(),
            ),
            (
                "organization",
                rfc4519::ORGANIZATION_NAME,
                subject.organization.as_deref(),
            ),
            (
                "organizational_unit",
                rfc4519::ORGANIZATIONAL_UNIT_NAME,
                subject.organizational_unit.as_deref(),
            ),
            ("title", rfc4519::TITLE, subject.title.as_deref()),
            (
                "common_name",
                rfc4519::COMMON_NAME,
                Some(subject.common_name.as_str()),
            ),
            ("uid", rfc4519::UID, uid.as_deref()),
        ];
        for (field, oid, value) in attributes {
            if let Some(value) = value {
                rdns.push(rdn(field, oid, Tag::Utf8String, value)?);
            }
        }
        Ok(RdnSequence(rdns))
    }
}

/// One single-valued RDN.
fn rdn(
    field: &str,
    oid: ObjectIdentifier,
    tag: Tag,
    value: &str,
) -> Result<RelativeDistinguishedName, SubjectError> {
    let encoding = |e: der::Error| SubjectError::Encoding(format!("{field}: {e}"));
    let value = Any::new(tag, value.as_bytes()).map_err(encoding)?;
    let set = SetOfVec::try_from(vec![AttributeTypeAndValue { oid, value }]).map_err(encoding)?;
    Ok(RelativeDistinguishedName(set))
}

#[cfg(test)]
mod tests {
    use der::{Decode, Encode, Tagged};

    use super::*;

    /// (OID, tag, value bytes) of every attribute, in DER order.
    fn attributes(name: &Name) -> Vec<(ObjectIdentifier, Tag, Vec<u8>)> {
        let der = name.to_der().unwrap();
        let decoded = Name::from_der(&der).unwrap();
        decoded
            .0
            .iter()
            .map(|rdn| {
                assert_eq!(rdn.0.len(), 1, "one attribute per RDN");
                let atv = &rdn.0.as_slice()[0];
                (atv.oid, atv.value.tag(), atv.value.value().to_vec())
            })
            .collect()
    }

    #[test]
    fn vietnamese_common_name_is_utf8string() {
        let info = SubjectInfo {
            common_name: "Nguyễn Văn An".to_owned(),
            ..SubjectInfo::default()
        };
        let name = info.to_name().unwrap();
        let expected_cn: &[u8] = &[
            b'N', b'g', b'u', b'y', 0xE1, 0xBB, 0x85, b'n', b' ', b'V', 0xC4, 0x83, b'n', b' ',
            b'A', b'n',
        ];
        assert_eq!(
            attributes(&name),
            [
                (rfc4519::COUNTRY_NAME, Tag::PrintableString, b"VN".to_vec()),
                (rfc4519::COMMON_NAME, Tag::Utf8String, expected_cn.to_vec()),
            ]
        );

        // The exact DER: SEQUENCE { SET { SEQUENCE { OID 2.5.4.6,
        // PrintableString "VN" } }, SET { SEQUENCE { OID 2.5.4.3,
        // UTF8String "Nguyễn Văn An" } } }.
        let mut expected = vec![
            0x30, 0x28, 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, b'V',
            b'N', 0x31, 0x19, 0x30, 0x17, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, 0x10,
        ];
        expected.extend_from_slice(expected_cn);
        assert_eq!(name.to_der().unwrap(), expected);
    }

    #[test]
    fn nfd_input_is_encoded_as_nfc() {
        let info = SubjectInfo {
            common_name: "  Nguye\u{0302}\u{0303}n  Va\u{0306}n An ".to_owned(),
            province: Some("Ha\u{0300} No\u{0323}\u{0302}i".to_owned()),
            ..SubjectInfo::default()
        };
        let attributes = attributes(&info.to_name().unwrap());
        assert_eq!(
            attributes[1],
            (rfc4519::ST, Tag::Utf8String, "Hà Nội".as_bytes().to_vec())
        );
        assert_eq!(
            attributes[2],
            (
                rfc4519::COMMON_NAME,
                Tag::Utf8String,
                "Nguyễn Văn An".as_bytes().to_vec()
            )
        );
    }

    #[test]
    fn full_subject_in_order() {
        let info = SubjectInfo {
            common_name: "Nguyễn Tiến Dũng".to_owned(),
            uid: Some("cccd:001089031733".parse().unwrap()),
            title: Some("Chuyên viên".to_owned()),
            organizational_unit: Some("Cục Thuế TP HCM".to_owned()),
            organization: Some("Bộ Tài chính".to_owned()),
            locality: Some("Phường Hà Đông".to_owned()),
            province: Some("Hà Nội".to_owned()),
            email: Some("dungnt@gdt.gov.vn".to_owned()),
        };
        let name = info.to_name().unwrap();
        let attributes = attributes(&name);
        let expected = [
            (rfc4519::COUNTRY_NAME, "VN"),
            (rfc4519::ST, "Hà Nội"),
            (rfc4519::LOCALITY_NAME, "Phường Hà Đông"),
            (rfc4519::ORGANIZATION_NAME, "Bộ Tài chính"),
            (rfc4519::ORGANIZATIONAL_UNIT_NAME, "Cục Thuế TP HCM"),
            (rfc4519::TITLE, "Chuyên viên"),
            (rfc4519::COMMON_NAME, "Nguyễn Tiến Dũng"),
            (rfc4519::UID, "CCCD:001089031733"),
        ];
        assert_eq!(attributes.len(), expected.len());
        for ((oid, tag, bytes), (expected_oid, expected_value)) in attributes.iter().zip(expected) {
            assert_eq!(*oid, expected_oid);
            assert_eq!(bytes, expected_value.as_bytes());
            let expected_tag = if expected_oid == rfc4519::COUNTRY_NAME {
                Tag::PrintableString
            } else {
                Tag::Utf8String
            };
            assert_eq!(*tag, expected_tag, "{expected_oid}");
        }
        // The e-mail address is not part of the DN.
        assert!(!name.to_string().contains("gdt.gov.vn"));
    }

    #[test]
    fn invalid_subjects_are_not_encoded() {
        let too_long = SubjectInfo {
            common_name: "A".repeat(65),
            ..SubjectInfo::default()
        };
        assert_eq!(
            too_long.to_name(),
            Err(SubjectError::TooLong {
                field: "common_name",
                max: 64,
                actual: 65
            })
        );

        let blank = SubjectInfo {
            common_name: " \t ".to_owned(),
            ..SubjectInfo::default()
        };
        assert_eq!(
            blank.to_name(),
            Err(SubjectError::MissingField {
                field: "common_name"
            })
        );

        let former = SubjectInfo {
            common_name: "Trần Thị Hoàng Dung".to_owned(),
            province: Some("Hậu Giang".to_owned()),
            ..SubjectInfo::default()
        };
        assert!(matches!(
            former.to_name(),
            Err(SubjectError::NotCurrentProvinceName {
                expected: "Cần Thơ",
                ..
            })
        ));
    }
}
