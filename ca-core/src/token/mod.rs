//! Signing tokens (USB devices that hold the subscribers' keys): their
//! registration, the state machine their life follows (as Dogtag TPS) and,
//! in [`ops`], what each change of state does to their certificates.

mod ops;

pub use ops::token_lost_in;

use std::str::FromStr;

use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, AuditAction, AuditEvent};
use crate::lifecycle::now;
use crate::store::models::{NewToken, TokenRow};
use crate::store::schema::{subscribers, tokens};
use crate::store::DbConnection;
use crate::{Ca, CaError};

/// Where a token is in its life.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum TokenState {
    /// In use.
    Active,
    /// Temporarily lost: its certificates are on hold where their issuer
    /// allows suspension, until it is found or reported lost for good.
    Suspended,
    /// Permanently lost: its certificates revoked keyCompromise, its keys
    /// blocked. Final.
    Lost,
    /// Reported damaged: out of service, its certificates revoked. Final.
    Damaged,
    /// Retired (terminated): its live certificates revoked
    /// cessationOfOperation, its keys not blocked. Final.
    Retired,
}

crate::text_enum!(TokenState);

/// Every token state.
pub const TOKEN_STATES: [TokenState; 5] = [
    TokenState::Active,
    TokenState::Suspended,
    TokenState::Lost,
    TokenState::Damaged,
    TokenState::Retired,
];

/// The token state machine (as Dogtag TPS): `(from, to)` pairs allowed.
/// Lost, damaged and retired are final; everything else is refused.
pub const TRANSITIONS: [(TokenState, TokenState); 7] = [
    (TokenState::Active, TokenState::Suspended),
    (TokenState::Suspended, TokenState::Active),
    (TokenState::Suspended, TokenState::Lost),
    (TokenState::Active, TokenState::Lost),
    (TokenState::Active, TokenState::Damaged),
    (TokenState::Active, TokenState::Retired),
    (TokenState::Suspended, TokenState::Retired),
];

impl TokenState {
    /// The stored and printed word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Lost => "lost",
            Self::Damaged => "damaged",
            Self::Retired => "retired",
        }
    }

    /// Whether a token may go from this state to `to`.
    pub fn may_become(self, to: Self) -> bool {
        TRANSITIONS.contains(&(self, to))
    }
}

impl FromStr for TokenState {
    type Err = CaError;

    fn from_str(s: &str) -> Result<Self, CaError> {
        TOKEN_STATES
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| CaError::Refused(format!("unknown token state {s:?}")))
    }
}

/// Refuses a token transition the state machine does not allow, saying
/// which ones it does.
pub fn check_transition(token: &TokenRow, to: TokenState) -> Result<(), CaError> {
    if token.status.may_become(to) {
        return Ok(());
    }
    let next: Vec<&str> = TRANSITIONS
        .iter()
        .filter(|(f, _)| *f == token.status)
        .map(|(_, t)| t.as_str())
        .collect();
    let allowed = if next.is_empty() {
        format!("{} is final", token.status)
    } else {
        format!(
            "from {} it can only become {}",
            token.status,
            next.join(" or ")
        )
    };
    Err(CaError::TokenUnusable {
        serial: token.serial.clone(),
        reason: format!("it is {}: it cannot become {to} ({allowed})", token.status),
    })
}

impl Ca {
    /// Registers a token, held by a subscriber.
    pub fn add_token(
        &self,
        serial: &str,
        subscriber_id: i64,
        model: Option<&str>,
        actor: &str,
    ) -> Result<i64, CaError> {
        let serial = serial.trim();
        let valid = !serial.is_empty()
            && serial.len() <= 64
            && serial
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        if !valid {
            return Err(CaError::Refused(format!(
                "token serial {serial:?} must be 1-64 letters, digits, '-', '_', '.' or ':'"
            )));
        }
        self.store.write(|c| -> Result<i64, CaError> {
            crate::registry::load_subscriber(c, subscriber_id)?;
            let taken = tokens::table
                .filter(tokens::serial.eq(serial))
                .count()
                .get_result::<i64>(c)?;
            if taken > 0 {
                return Err(CaError::DuplicateToken {
                    serial: serial.to_owned(),
                });
            }
            let now = now();
            let id = diesel::insert_into(tokens::table)
                .values(NewToken {
                    serial,
                    model,
                    subscriber_id: Some(subscriber_id),
                    status: TokenState::Active,
                    created_at: now,
                    updated_at: now,
                })
                .returning(tokens::id)
                .get_result(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::TokenAdd,
                    object: &format!("token:{serial}"),
                    details: json!({ "subscriber": subscriber_id, "model": model }),
                },
            )?;
            Ok(id)
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
        self.store.read(|c| load_token(c, serial))
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

/// A token row, by serial.
pub(crate) fn load_token(c: &mut DbConnection, serial: &str) -> Result<TokenRow, CaError> {
    tokens::table
        .filter(tokens::serial.eq(serial.trim()))
        .select(TokenRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| CaError::UnknownToken {
            serial: serial.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(status: TokenState) -> TokenRow {
        TokenRow {
            id: 1,
            serial: "TK-1".into(),
            model: None,
            subscriber_id: Some(1),
            status,
            created_at: now(),
            updated_at: now(),
        }
    }

    #[test]
    fn token_state_machine() {
        let mut allowed = 0;
        for from in TOKEN_STATES {
            for to in TOKEN_STATES {
                let ok = check_transition(&token(from), to).is_ok();
                assert_eq!(ok, from.may_become(to), "{from} -> {to}");
                allowed += usize::from(ok);
            }
        }
        assert_eq!(allowed, 7);
        for final_state in [TokenState::Lost, TokenState::Damaged, TokenState::Retired] {
            for to in TOKEN_STATES {
                let e = check_transition(&token(final_state), to).expect_err("final");
                assert!(e.to_string().contains("is final"), "{e}");
            }
        }
        assert!(
            check_transition(&token(TokenState::Suspended), TokenState::Damaged)
                .expect_err("refused")
                .to_string()
                .contains("it can only become active or lost or retired")
        );
    }

    #[test]
    fn states_read_back_as_stored() {
        for s in TOKEN_STATES {
            assert_eq!(s.as_str().parse::<TokenState>().unwrap(), s);
        }
        assert!("stolen".parse::<TokenState>().is_err());
    }
}
