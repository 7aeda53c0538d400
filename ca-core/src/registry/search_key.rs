//! The folded search key of a subscriber's name (`subscribers.search_key`):
//! what a search compares and a list sorts by, so that `nguyen van an`
//! finds "Nguyễn Văn An", `d` finds "Đặng" and `huynh` finds "Huỳnh" with a
//! plain `LIKE` that works the same on SQLite and PostgreSQL.
//!
//! SQL cannot fold Vietnamese by itself on both backends (SQLite has no
//! `unaccent`), so ca-core computes the key in Rust: when a subscriber is
//! registered or renamed ([`search_key`]), and for the rows an older
//! version left without one when the store is opened ([`fill_missing`]).

use diesel::prelude::*;

use crate::store::schema::subscribers;
use crate::store::DbConnection;

/// Rows filled per statement batch by [`fill_missing`].
const FILL_BATCH: i64 = 500;

/// `text` folded for search: lower case, every diacritic removed (the
/// tone marks and the horn and breve of ơ, ư, ă, the circumflex of â, ê,
/// ô), đ and Đ as d, runs of white space as one space, trimmed.
pub fn search_key(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;

    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Fills the search key of every subscriber that has none (rows written
/// before the key existed); returns how many. Run when the store opens;
/// safe to run twice at once (both write the same keys).
pub(crate) fn fill_missing(c: &mut DbConnection) -> QueryResult<usize> {
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, String)> = subscribers::table
            .filter(subscribers::search_key.is_null())
            .select((subscribers::id, subscribers::full_name))
            .order(subscribers::id.asc())
            .limit(FILL_BATCH)
            .load(c)?;
        if rows.is_empty() {
            return Ok(filled);
        }
        c.transaction(|c| {
            for (id, name) in &rows {
                diesel::update(subscribers::table.find(id))
                    .set(subscribers::search_key.eq(search_key(name)))
                    .execute(c)?;
            }
            QueryResult::Ok(())
        })?;
        filled += rows.len();
    }
}

#[cfg(test)]
mod tests {
    use super::search_key;

    #[test]
    fn folds_vietnamese_names() {
        assert_eq!(search_key("Nguyễn Văn An"), "nguyen van an");
        assert_eq!(search_key("ĐẶNG Thị Đào"), "dang thi dao");
        assert_eq!(search_key("  Huỳnh   Ngọc\tƯớc "), "huynh ngoc uoc");
        assert_eq!(search_key("Sở Tài chính"), "so tai chinh");
        assert_eq!(search_key("Phạm Thị Hương"), "pham thi huong");
        // Decomposed input (NFD) folds the same as composed input.
        assert_eq!(search_key("Nguye\u{0302}\u{0303}n"), "nguyen");
        assert_eq!(search_key(""), "");
        assert_eq!(search_key("CCCD:001089031733"), "cccd:001089031733");
    }
}
