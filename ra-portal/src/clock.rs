//! The portal's clock: now, in the precision both databases keep.

use chrono::{NaiveDateTime, Utc};

/// The current UTC time as stored (microseconds, like the CA's).
pub fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    chrono::SubsecRound::trunc_subsecs(t, 6)
}
