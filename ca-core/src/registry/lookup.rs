//! Reading the registry as the portal lists it: subscribers found by name
//! or identifier.

use diesel::prelude::*;

use crate::store::models::SubscriberRow;
use crate::store::schema::subscribers;
use crate::{Ca, CaError};

/// Which subscribers to list.
#[derive(Debug, Clone, Default)]
pub struct SubscriberSearch<'a> {
    /// Only this province.
    pub province: Option<&'a str>,
    /// Only those whose name (ignoring case and diacritics) or identifier
    /// (CCCD, CMND, passport, MST, with or without its prefix) contains
    /// this text.
    pub text: Option<&'a str>,
    /// At most this many, by id.
    pub limit: i64,
}

impl Ca {
    /// Subscribers matching `search`, by id.
    pub fn search_subscribers(
        &self,
        search: &SubscriberSearch<'_>,
    ) -> Result<Vec<SubscriberRow>, CaError> {
        self.store.read(|c| -> Result<Vec<SubscriberRow>, CaError> {
            let mut q = subscribers::table
                .select(SubscriberRow::as_select())
                .order(subscribers::id.asc())
                .into_boxed();
            if let Some(p) = search.province {
                q = q.filter(subscribers::province.eq(p.to_owned()));
            }
            if let Some(text) = search.text {
                // The folded name, as the portal's paged lists compare it
                // (`views::lists`): case and diacritics ignored.
                let (name, _) = crate::views::lists::text_patterns(text);
                let uid = format!("%{}%", like_escape(&text.trim().to_uppercase()));
                q = q.filter(
                    subscribers::search_key
                        .like(name)
                        .escape('\\')
                        .or(subscribers::uid.like(uid).escape('\\')),
                );
            }
            Ok(q.limit(search.limit).load(c)?)
        })
    }
}

/// `text` with the LIKE wildcards escaped (escape character `\`).
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
