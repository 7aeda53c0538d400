//! Reading the registry as the portal lists it: subscribers found by name
//! or identifier, tokens with their holder's province.

use diesel::prelude::*;

use crate::store::models::{SubscriberRow, TokenRow};
use crate::store::schema::{subscribers, tokens};
use crate::{Ca, CaError};

/// Which subscribers to list.
#[derive(Debug, Clone, Default)]
pub struct SubscriberSearch<'a> {
    /// Only this province.
    pub province: Option<&'a str>,
    /// Only those whose name or identifier (CCCD, CMND, passport, MST, with
    /// or without its prefix) contains this text (NFC, single spaces).
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
                let pattern = format!("%{}%", like_escape(text));
                q = q.filter(
                    subscribers::full_name
                        .like(pattern.clone())
                        .escape('\\')
                        .or(subscribers::uid.like(pattern).escape('\\')),
                );
            }
            Ok(q.limit(search.limit).load(c)?)
        })
    }

    /// The tokens a subscriber holds.
    pub fn tokens_of(&self, subscriber_id: i64) -> Result<Vec<TokenRow>, CaError> {
        self.store.read(|c| -> Result<Vec<TokenRow>, CaError> {
            Ok(tokens::table
                .filter(tokens::subscriber_id.eq(subscriber_id))
                .select(TokenRow::as_select())
                .load(c)?)
        })
    }

    /// A token, by id.
    pub fn token_by_id(&self, id: i64) -> Result<TokenRow, CaError> {
        self.store.read(|c| -> Result<TokenRow, CaError> {
            tokens::table
                .find(id)
                .select(TokenRow::as_select())
                .first(c)
                .optional()?
                .ok_or_else(|| CaError::UnknownToken {
                    serial: format!("#{id}"),
                })
        })
    }

    /// A token, by its serial.
    pub fn token(&self, serial: &str) -> Result<TokenRow, CaError> {
        self.store.read(|c| super::load_token(c, serial))
    }

    /// Tokens held in a province (all of them with `None`), each with its
    /// holder's province, by id, at most `limit`.
    pub fn tokens(
        &self,
        province: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(TokenRow, String)>, CaError> {
        self.store
            .read(|c| -> Result<Vec<(TokenRow, String)>, CaError> {
                let mut q = tokens::table
                    .inner_join(subscribers::table)
                    .select((TokenRow::as_select(), subscribers::province))
                    .order(tokens::id.asc())
                    .into_boxed();
                if let Some(p) = province {
                    q = q.filter(subscribers::province.eq(p.to_owned()));
                }
                Ok(q.limit(limit).load(c)?)
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
