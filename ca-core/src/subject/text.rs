//! Text clean-up shared by the subject module: NFC normalisation, whitespace
//! collapsing, and the comparison keys used to match Vietnamese names
//! regardless of case, tone-mark placement or missing diacritics.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// The combining tone marks of Vietnamese: grave (huyền), acute (sắc),
/// tilde (ngã), hook above (hỏi), dot below (nặng).
const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// NFC-normalises `s`, trims it and collapses every run of whitespace into a
/// single space.
pub(super) fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    collapse_whitespace(&nfc)
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
    )
}

/// The comparison key of a name: NFC, lower case, dashes read as spaces,
/// whitespace collapsed, and the tone mark of every word moved to the end
/// of that word, so that the old ("Hòa", "Thúy") and new ("Hoà", "Thuý")
/// tone-mark placements give the same key. The key is in decomposed form and
/// is only meant to be compared with other keys.
pub(super) fn match_key(s: &str) -> String {
    let lowered = clean(s).to_lowercase();
    let dashless: String = lowered
        .chars()
        .map(|c| if is_dash(c) { ' ' } else { c })
        .collect();
    let collapsed = collapse_whitespace(&dashless);

    let mut key = String::with_capacity(collapsed.len() + 8);
    let mut tones = String::new();
    for c in collapsed.nfd() {
        if TONE_MARKS.contains(&c) {
            tones.push(c);
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            key.push(c);
        } else {
            // A word boundary: the word's tone mark goes at its end.
            key.push_str(&tones);
            tones.clear();
            key.push(c);
        }
    }
    key.push_str(&tones);
    key
}

/// Strips every diacritic from a key made by [`match_key`] (and reads `đ`
/// as `d`), for matching input typed without Vietnamese diacritics.
pub(super) fn loose_key(key: &str) -> String {
    key.chars()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            // U+00F0 (ð) is a common look-alike of đ.
            'đ' | 'ð' => 'd',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_normalises_and_collapses() {
        assert_eq!(
            clean("  Nguye\u{0302}\u{0303}n \t Va\u{0306}n\u{00A0}An \n"),
            "Nguyễn Văn An"
        );
    }

    #[test]
    fn tone_placement_variants_share_a_key() {
        for (old, new) in [
            ("Hòa Bình", "Hoà Bình"),
            ("Thanh Hóa", "Thanh Hoá"),
            ("Khánh Hòa", "Khánh Hoà"),
            ("Thủy", "Thuỷ"),
            ("Thúy", "Thuý"),
            ("Thùy", "Thuỳ"),
            ("Hỏa", "Hoả"),
            ("Nõa", "Noã"),
            ("Họa", "Hoạ"),
            ("Khỏe", "Khoẻ"),
        ] {
            assert_eq!(match_key(old), match_key(new), "{old} / {new}");
        }
        assert_ne!(match_key("Hòa"), match_key("Hóa"));
    }

    #[test]
    fn keys_ignore_case_dashes_and_spacing() {
        assert_eq!(match_key("Thừa Thiên - Huế"), match_key("thừa  thiên huế"));
        assert_eq!(match_key("Bà Rịa–Vũng Tàu"), match_key("BÀ RỊA - VŨNG TÀU"));
    }

    #[test]
    fn loose_key_strips_diacritics() {
        assert_eq!(loose_key(&match_key("Đắk Lắk")), "dak lak");
        assert_eq!(loose_key(&match_key("Cần Thơ")), "can tho");
        assert_eq!(loose_key(&match_key("Ha Noi")), "ha noi");
    }
}
