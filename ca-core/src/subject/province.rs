//! The 34 provincial-level units of Vietnam in force since 1 July 2025,
//! with the former provinces merged into each, and the resolution of a
//! province name as people write it (old or new name, with or without
//! "Tỉnh"/"Thành phố", with or without diacritics) to its current unit.

use std::fmt;

use super::text::{clean, loose_key, match_key};
use super::SubjectError;

/// Whether a unit is a city under the central government or a province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProvinceKind {
    /// Thành phố trực thuộc trung ương.
    City,
    /// Tỉnh.
    Province,
}

/// One current provincial-level unit: an entry of the static table returned
/// by [`all_provinces`].
#[derive(Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Province {
    /// The official current name (NFC), as written in the ST attribute.
    pub name: &'static str,
    /// City or province.
    pub kind: ProvinceKind,
    /// Former names now covered by this unit: the provinces merged into it
    /// on 1 July 2025 and earlier names of the unit itself.
    pub former: &'static [&'static str],
}

impl fmt::Display for Province {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// The result of [`resolve_province`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProvinceMatch {
    /// The current unit.
    pub province: &'static Province,
    /// The former name the input matched, if it was one; to be shown to the
    /// user ("Hậu Giang → Cần Thơ").
    pub former_name: Option<&'static str>,
}

const fn city(name: &'static str, former: &'static [&'static str]) -> Province {
    Province {
        name,
        kind: ProvinceKind::City,
        former,
    }
}

const fn province(name: &'static str, former: &'static [&'static str]) -> Province {
    Province {
        name,
        kind: ProvinceKind::Province,
        former,
    }
}

static PROVINCES: [Province; 34] = [
    city("Hà Nội", &[]),
    city("Huế", &["Thừa Thiên Huế"]),
    city("Hải Phòng", &["Hải Dương"]),
    city("Đà Nẵng", &["Quảng Nam"]),
    city("Thành phố Hồ Chí Minh", &["Bình Dương", "Bà Rịa–Vũng Tàu"]),
    city("Cần Thơ", &["Sóc Trăng", "Hậu Giang"]),
    province("Tuyên Quang", &["Hà Giang"]),
    province("Cao Bằng", &[]),
    province("Lai Châu", &[]),
    province("Lào Cai", &["Yên Bái"]),
    province("Thái Nguyên", &["Bắc Kạn"]),
    province("Điện Biên", &[]),
    province("Lạng Sơn", &[]),
    province("Sơn La", &[]),
    province("Phú Thọ", &["Vĩnh Phúc", "Hòa Bình"]),
    province("Bắc Ninh", &["Bắc Giang"]),
    province("Quảng Ninh", &[]),
    province("Hưng Yên", &["Thái Bình"]),
    province("Ninh Bình", &["Hà Nam", "Nam Định"]),
    province("Thanh Hóa", &[]),
    province("Nghệ An", &[]),
    province("Hà Tĩnh", &[]),
    province("Quảng Trị", &["Quảng Bình"]),
    province("Quảng Ngãi", &["Kon Tum"]),
    province("Gia Lai", &["Bình Định"]),
    province("Khánh Hòa", &["Ninh Thuận"]),
    province("Lâm Đồng", &["Đắk Nông", "Bình Thuận"]),
    province("Đắk Lắk", &["Phú Yên"]),
    province("Đồng Nai", &["Bình Phước"]),
    province("Tây Ninh", &["Long An"]),
    province("Vĩnh Long", &["Bến Tre", "Trà Vinh"]),
    province("Đồng Tháp", &["Tiền Giang"]),
    province("Cà Mau", &["Bạc Liêu"]),
    province("An Giang", &["Kiên Giang"]),
];

/// Other spellings in common use, each mapped to a current or former name
/// of the table. Case, spacing, dashes, tone-mark placement, missing
/// diacritics and the administrative prefixes are handled without aliases.
const ALIASES: [(&str, &str); 5] = [
    ("TP.HCM", "Thành phố Hồ Chí Minh"),
    ("TPHCM", "Thành phố Hồ Chí Minh"),
    ("HCM", "Thành phố Hồ Chí Minh"),
    ("Sài Gòn", "Thành phố Hồ Chí Minh"),
    ("Bắc Cạn", "Bắc Kạn"),
];

/// Administrative prefixes written before a name, and whether a space must
/// follow them ("TP.HCM" has none).
const PREFIXES: [(&str, bool); 4] = [
    ("Tỉnh", true),
    ("Thành phố", true),
    ("TP.", false),
    ("TP", true),
];

/// The 34 provincial-level units in force since 1 July 2025: the 6 cities
/// under the central government first, then the 28 provinces.
pub fn all_provinces() -> &'static [Province] {
    &PROVINCES
}

/// Resolves a province name to its current unit.
///
/// Matching ignores case, extra whitespace, dashes, Unicode normalisation
/// form and the placement of tone marks ("Hòa Bình" = "Hoà Bình"), and
/// tolerates the prefixes "Tỉnh", "Thành phố", "TP." and "TP". A former
/// name resolves to the unit it was merged into, with `former_name` set.
/// Input without diacritics ("Can Tho") is accepted when it matches exactly
/// one name.
pub fn resolve_province(input: &str) -> Result<ProvinceMatch, SubjectError> {
    let key = match_key(input);
    if key.is_empty() {
        return Err(SubjectError::MissingField { field: "province" });
    }

    let wanted = strip_prefix(&key, false);
    if let Some((_, found)) =
        candidates().find(|(name, _)| strip_prefix(&match_key(name), false) == wanted)
    {
        return Ok(found);
    }

    let loose = loose_key(&key);
    let wanted = strip_prefix(&loose, true);
    let mut found: Vec<ProvinceMatch> = Vec::new();
    for (name, candidate) in candidates() {
        if strip_prefix(&loose_key(&match_key(name)), true) == wanted && !found.contains(&candidate)
        {
            found.push(candidate);
        }
    }
    match found.as_slice() {
        [only] => Ok(*only),
        [] => Err(SubjectError::UnknownProvince {
            value: clean(input),
        }),
        several => Err(SubjectError::AmbiguousProvince {
            value: clean(input),
            candidates: several
                .iter()
                .map(|m| m.former_name.unwrap_or(m.province.name))
                .collect(),
        }),
    }
}

/// Every name that resolves, with what it resolves to: current names,
/// former names, then aliases.
fn candidates() -> impl Iterator<Item = (&'static str, ProvinceMatch)> {
    table_names().chain(ALIASES.iter().filter_map(|(alias, target)| {
        table_names()
            .find(|(name, _)| name == target)
            .map(|(_, found)| (*alias, found))
    }))
}

fn table_names() -> impl Iterator<Item = (&'static str, ProvinceMatch)> {
    PROVINCES.iter().flat_map(|province| {
        let current = (
            province.name,
            ProvinceMatch {
                province,
                former_name: None,
            },
        );
        let former = province.former.iter().map(move |name| {
            (
                *name,
                ProvinceMatch {
                    province,
                    former_name: Some(*name),
                },
            )
        });
        std::iter::once(current).chain(former)
    })
}

/// Removes one administrative prefix from a key made by [`match_key`] (or
/// by [`loose_key`] when `loose`), unless nothing would be left.
fn strip_prefix(key: &str, loose: bool) -> &str {
    for (prefix, needs_space) in PREFIXES {
        let prefix = if loose {
            loose_key(&match_key(prefix))
        } else {
            match_key(prefix)
        };
        let Some(rest) = key.strip_prefix(prefix.as_str()) else {
            continue;
        };
        let rest = if needs_space {
            match rest.strip_prefix(' ') {
                Some(rest) => rest,
                None => continue,
            }
        } else {
            rest.trim_start()
        };
        if !rest.is_empty() {
            return rest;
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use unicode_normalization::is_nfc;

    use super::*;

    fn current(name: &str) -> &'static Province {
        all_provinces()
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} is not a current unit"))
    }

    #[test]
    fn table_matches_the_2025_reform() {
        let all = all_provinces();
        assert_eq!(all.len(), 34);
        assert_eq!(
            all.iter().filter(|p| p.kind == ProvinceKind::City).count(),
            6
        );
        let names: Vec<&str> = all.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "Hà Nội",
                "Huế",
                "Hải Phòng",
                "Đà Nẵng",
                "Thành phố Hồ Chí Minh",
                "Cần Thơ",
                "Tuyên Quang",
                "Cao Bằng",
                "Lai Châu",
                "Lào Cai",
                "Thái Nguyên",
                "Điện Biên",
                "Lạng Sơn",
                "Sơn La",
                "Phú Thọ",
                "Bắc Ninh",
                "Quảng Ninh",
                "Hưng Yên",
                "Ninh Bình",
                "Thanh Hóa",
                "Nghệ An",
                "Hà Tĩnh",
                "Quảng Trị",
                "Quảng Ngãi",
                "Gia Lai",
                "Khánh Hòa",
                "Lâm Đồng",
                "Đắk Lắk",
                "Đồng Nai",
                "Tây Ninh",
                "Vĩnh Long",
                "Đồng Tháp",
                "Cà Mau",
                "An Giang",
            ]
        );
        // 63 units before the merger: the 34 names that remain and the 29
        // merged into them. "Thừa Thiên Huế" is Huế's own earlier name.
        let merged = all
            .iter()
            .flat_map(|p| p.former.iter())
            .filter(|name| **name != "Thừa Thiên Huế")
            .count();
        assert_eq!(34 + merged, 63);
    }

    #[test]
    fn names_are_nfc_and_keys_are_unique() {
        let names: Vec<&str> = table_names().map(|(name, _)| name).collect();
        for name in &names {
            assert!(is_nfc(name), "{name} is not NFC");
        }
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert_ne!(match_key(a), match_key(b), "{a} / {b}");
                assert_ne!(
                    loose_key(&match_key(a)),
                    loose_key(&match_key(b)),
                    "{a} / {b}"
                );
            }
        }
    }

    #[test]
    fn aliases_point_into_the_table() {
        for (alias, target) in ALIASES {
            assert!(
                table_names().any(|(name, _)| name == target),
                "alias {alias} targets unknown {target}"
            );
        }
        assert_eq!(candidates().count(), 34 + 30 + ALIASES.len());
    }

    #[test]
    fn every_current_name_round_trips() {
        for p in all_provinces() {
            let found = resolve_province(p.name).unwrap();
            assert!(std::ptr::eq(found.province, p), "{}", p.name);
            assert_eq!(found.former_name, None, "{}", p.name);

            let no_diacritics = loose_key(&match_key(p.name));
            let found = resolve_province(&no_diacritics).unwrap();
            assert_eq!(found.province.name, p.name, "{no_diacritics}");
            assert_eq!(found.former_name, None);

            let upper = resolve_province(&p.name.to_uppercase()).unwrap();
            assert_eq!(upper.province.name, p.name);
        }
    }

    #[test]
    fn every_former_name_round_trips() {
        for p in all_provinces() {
            for former in p.former {
                let found = resolve_province(former).unwrap();
                assert!(std::ptr::eq(found.province, p), "{former}");
                assert_eq!(found.former_name, Some(*former));

                let no_diacritics = loose_key(&match_key(former));
                let found = resolve_province(&no_diacritics).unwrap();
                assert_eq!(found.province.name, p.name, "{no_diacritics}");
                assert_eq!(found.former_name, Some(*former));
            }
        }
    }

    #[test]
    fn former_names_map_to_current_units() {
        for (former, now) in [
            ("Hậu Giang", "Cần Thơ"),
            ("Sóc Trăng", "Cần Thơ"),
            ("Bình Dương", "Thành phố Hồ Chí Minh"),
            ("Bà Rịa - Vũng Tàu", "Thành phố Hồ Chí Minh"),
            ("Bà Rịa Vũng Tàu", "Thành phố Hồ Chí Minh"),
            ("Tỉnh Bà Rịa–Vũng Tàu", "Thành phố Hồ Chí Minh"),
            ("Thừa Thiên Huế", "Huế"),
            ("Thừa Thiên - Huế", "Huế"),
            ("Tỉnh Thừa Thiên Huế", "Huế"),
            ("Bắc Cạn", "Thái Nguyên"),
        ] {
            let found = resolve_province(former).unwrap();
            assert_eq!(found.province.name, now, "{former}");
            assert!(found.former_name.is_some(), "{former}");
        }
        assert_eq!(
            resolve_province("Thừa Thiên - Huế").unwrap().former_name,
            Some("Thừa Thiên Huế")
        );
        assert_eq!(
            resolve_province("Bà Rịa - Vũng Tàu").unwrap().former_name,
            Some("Bà Rịa–Vũng Tàu")
        );
    }

    #[test]
    fn remaining_names_are_current() {
        for name in ["Cần Thơ", "Hà Nội", "Huế", "Đà Nẵng", "Quảng Ninh"] {
            let found = resolve_province(name).unwrap();
            assert_eq!(found.province, current(name));
            assert_eq!(found.former_name, None);
        }
    }

    #[test]
    fn prefixes_and_aliases() {
        for input in [
            "TP.HCM",
            "TP. HCM",
            "TPHCM",
            "tp hcm",
            "Hồ Chí Minh",
            "TP Hồ Chí Minh",
            "TP. Hồ Chí Minh",
            "Thành phố Hồ Chí Minh",
            "thành phố  hồ chí minh",
            "Ho Chi Minh",
            "Thanh pho Ho Chi Minh",
            "Sài Gòn",
        ] {
            let found = resolve_province(input).unwrap();
            assert_eq!(found.province.name, "Thành phố Hồ Chí Minh", "{input}");
            assert_eq!(found.former_name, None, "{input}");
        }
        for (input, now) in [
            ("Tỉnh Lào Cai", "Lào Cai"),
            ("Thành phố Cần Thơ", "Cần Thơ"),
            ("TP. Cần Thơ", "Cần Thơ"),
            ("TP.Đà Nẵng", "Đà Nẵng"),
            ("TP Huế", "Huế"),
            ("Tinh Lao Cai", "Lào Cai"),
            ("Thanh pho Can Tho", "Cần Thơ"),
        ] {
            assert_eq!(
                resolve_province(input).unwrap().province.name,
                now,
                "{input}"
            );
        }
    }

    #[test]
    fn without_diacritics() {
        for (input, now) in [
            ("Can Tho", "Cần Thơ"),
            ("Ha Noi", "Hà Nội"),
            ("HA NOI", "Hà Nội"),
            ("Dak Lak", "Đắk Lắk"),
            ("Da Nang", "Đà Nẵng"),
            ("Dien Bien", "Điện Biên"),
            ("Hà Noi", "Hà Nội"),
        ] {
            assert_eq!(
                resolve_province(input).unwrap().province.name,
                now,
                "{input}"
            );
        }
        let found = resolve_province("Hau Giang").unwrap();
        assert_eq!(found.province.name, "Cần Thơ");
        assert_eq!(found.former_name, Some("Hậu Giang"));
    }

    #[test]
    fn tone_mark_placement_and_normal_form() {
        for (input, now, former) in [
            ("Hoà Bình", "Phú Thọ", Some("Hòa Bình")),
            ("Hòa Bình", "Phú Thọ", Some("Hòa Bình")),
            ("Thanh Hoá", "Thanh Hóa", None),
            ("Khánh Hoà", "Khánh Hòa", None),
            // NFD input.
            ("Ca\u{0302}\u{0300}n Tho\u{031B}", "Cần Thơ", None),
        ] {
            let found = resolve_province(input).unwrap();
            assert_eq!(found.province.name, now, "{input}");
            assert_eq!(found.former_name, former, "{input}");
        }
        let nfd = "Ha\u{0300} No\u{0323}\u{0302}i";
        assert_eq!(resolve_province(nfd).unwrap().province.name, "Hà Nội");
    }

    #[test]
    fn unknown_names_are_rejected() {
        let err = resolve_province("Atlantis").unwrap_err();
        assert_eq!(
            err,
            SubjectError::UnknownProvince {
                value: "Atlantis".to_owned()
            }
        );
        assert!(err.to_string().contains("\"Atlantis\""), "{err}");
        assert!(err.to_string().starts_with("province:"), "{err}");

        assert!(matches!(
            resolve_province("Tỉnh"),
            Err(SubjectError::UnknownProvince { .. })
        ));
        assert!(matches!(
            resolve_province("Hà"),
            Err(SubjectError::UnknownProvince { .. })
        ));
        assert_eq!(
            resolve_province("   "),
            Err(SubjectError::MissingField { field: "province" })
        );
    }
}
