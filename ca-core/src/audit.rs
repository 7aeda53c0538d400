//! The audit log: an append-only record of every change the CA makes, chained
//! with SHA-256 so that editing, deleting or reordering any recorded event is
//! detectable afterwards.
//!
//! This module owns the `audit_events` table and the `audit_head` row. Every
//! event stores the hash of the event before it (`prev_hash`) and its own
//! hash over an unambiguous encoding of its content (see [`event_hash`]);
//! `audit_head` holds the sequence number and hash of the last event, so that
//! deleting the tail of the log is detectable as well.
//!
//! Events are appended by [`append`] inside the very transaction that makes
//! the change they record ([`Store::write`](crate::store::Store::write)), so
//! a change and its audit event are committed together or not at all. That
//! transaction begins by locking the head row, which serialises writers on
//! both backends: each appended event extends the head it read and the chain
//! never forks.
//!
//! [`verify`] walks the whole log in sequence order, in bounded batches,
//! recomputing every hash, and reports the first event at which the chain is
//! broken.
//!
//! The chain detects tampering by anyone who does not also recompute every
//! later hash and the head; keeping an external copy of the head hash (for
//! instance in signed reports) closes that gap.

use std::fmt;

use aws_lc_rs::digest::{digest, SHA256};
use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;

pub use crate::audit_action::{AuditAction, AUDIT_ACTIONS};
use crate::store::models::AuditEventRow;
use crate::store::schema::{audit_events, audit_head};
use crate::store::DbConnection;

/// The `prev_hash` of the first event: the hash the head holds while the
/// log is empty.
const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many events [`verify`] loads per query.
const VERIFY_BATCH: i64 = 1000;

/// Digits of sub-second precision kept in timestamps: microseconds, what both
/// SQLite (as stored by diesel) and PostgreSQL `TIMESTAMP` give back.
const TIMESTAMP_DIGITS: u16 = 6;

/// Version tag hashed before every event, so that a future change of the
/// encoding can never collide with this one.
const ENCODING_TAG: &[u8] = b"govpki-audit-v1";

/// What goes into one event. The sequence number, time and hashes are added
/// by [`append`].
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent<'a> {
    /// Who did it: an operator's name, a service, or `system`.
    pub actor: &'a str,
    /// What was done.
    pub action: AuditAction,
    /// What it was done to, e.g. a certificate serial or an issuer id.
    pub object: &'a str,
    /// Anything else worth keeping. Stored, and hashed, as the JSON text it
    /// serialises to at append time.
    pub details: serde_json::Value,
}

/// Appends one event to the log and returns its sequence number.
///
/// Must be called inside the caller's write transaction
/// ([`Store::write`](crate::store::Store::write)), which has already locked
/// the head row: the event then commits together with the change it
/// records, and concurrent writers cannot both extend the same head.
///
/// Reads `audit_head`, takes the next sequence number, links to the head's
/// hash, timestamps the event with the current UTC time truncated to
/// microseconds (exactly what both backends store and give back), hashes it,
/// inserts it and moves the head to it.
pub fn append(
    conn: &mut DbConnection,
    event: AuditEvent<'_>,
) -> Result<i64, diesel::result::Error> {
    let (head_seq, head_hash) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::hash))
        .first::<(i64, String)>(conn)?;
    let seq = head_seq.checked_add(1).ok_or_else(|| {
        diesel::result::Error::QueryBuilderError("audit sequence number overflow".into())
    })?;
    let at = Utc::now().naive_utc().trunc_subsecs(TIMESTAMP_DIGITS);
    let details = event.details.to_string();
    let hash = event_hash(
        seq,
        at,
        event.actor,
        event.action.as_str(),
        event.object,
        &details,
        &head_hash,
    );
    let row = AuditEventRow {
        seq,
        at,
        actor: event.actor.to_owned(),
        action: event.action.as_str().to_owned(),
        object: event.object.to_owned(),
        details,
        prev_hash: head_hash,
        hash,
    };
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set((audit_head::seq.eq(seq), audit_head::hash.eq(&row.hash)))
        .execute(conn)?;
    Ok(seq)
}

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every event's hash matches its content, every event links to the one
    /// before it, the sequence has no gaps and the head names the last event.
    Ok {
        /// How many events the log holds.
        events: u64,
    },
    /// The chain is broken; nothing from `seq` on can be trusted.
    Broken {
        /// The first event at which the break shows (for a deleted tail, the
        /// first missing sequence number).
        seq: i64,
        /// What is wrong, in words for an operator.
        reason: String,
    },
}

impl Verification {
    /// Whether the log verified.
    pub fn is_ok(&self) -> bool {
        matches!(self, Self::Ok { .. })
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ok { events } => write!(f, "audit log intact ({events} events)"),
            Self::Broken { seq, reason } => {
                write!(f, "audit log broken at event {seq}: {reason}")
            }
        }
    }
}

/// Walks the whole log in sequence order and recomputes every hash.
///
/// Events are read in batches of 1000 by keyset pagination on `seq`, so
/// memory stays bounded however long the log is. The head is read once at
/// the start and the walk covers the events up to it; events appended
/// concurrently after that are left to the next verification, but an event
/// beyond the head as it stands at the end of the walk is reported, as it
/// cannot have been appended through [`append`].
///
/// Returns [`Verification::Broken`] at the first problem found: a gap in the
/// sequence, an event not linking to the one before it, an event whose hash
/// does not match its content, or a head that does not name the last event.
/// Database errors are returned as such.
pub fn verify(conn: &mut DbConnection) -> Result<Verification, diesel::result::Error> {
    let (head_seq, head_hash) = read_head(conn)?;

    let mut last_seq = 0_i64;
    let mut last_hash = GENESIS_HASH.to_owned();
    let mut events = 0_u64;
    loop {
        let batch = audit_events::table
            .filter(audit_events::seq.gt(last_seq))
            .filter(audit_events::seq.le(head_seq))
            .order(audit_events::seq.asc())
            .limit(VERIFY_BATCH)
            .select(AuditEventRow::as_select())
            .load(conn)?;
        let batch_len = batch.len();
        for row in batch {
            if let Some(broken) = check_event(&row, last_seq, &last_hash) {
                return Ok(broken);
            }
            last_seq = row.seq;
            last_hash = row.hash;
            events += 1;
        }
        if i64::try_from(batch_len).map_or(true, |n| n < VERIFY_BATCH) {
            break;
        }
    }

    if last_seq < head_seq {
        return Ok(Verification::Broken {
            seq: last_seq + 1,
            reason: format!(
                "head says {head_seq} events but the log ends at {last_seq} (last event deleted)"
            ),
        });
    }
    if last_hash != head_hash {
        return Ok(Verification::Broken {
            seq: head_seq,
            reason: "head hash does not match the last event".to_owned(),
        });
    }

    // Anything beyond the head? The maximum is read before the head: an
    // append commits its event and the head move together, so every event
    // the first query sees is covered by the head the second one sees.
    let max_seq = audit_events::table
        .select(diesel::dsl::max(audit_events::seq))
        .first::<Option<i64>>(conn)?;
    let (end_head_seq, _) = read_head(conn)?;
    if let Some(max_seq) = max_seq.filter(|&m| m > end_head_seq) {
        return Ok(Verification::Broken {
            seq: end_head_seq + 1,
            reason: format!(
                "event {max_seq} lies beyond the head at {end_head_seq} \
                 (inserted outside the chain, or the head was rolled back)"
            ),
        });
    }

    Ok(Verification::Ok { events })
}

/// The head row: sequence number and hash of the last event.
fn read_head(conn: &mut DbConnection) -> Result<(i64, String), diesel::result::Error> {
    audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::hash))
        .first(conn)
}

/// Checks one event against the one before it (`prev_seq`, `prev_hash`;
/// 0 and the genesis hash for the first). `None` when it is sound.
fn check_event(row: &AuditEventRow, prev_seq: i64, prev_hash: &str) -> Option<Verification> {
    let expected = prev_seq + 1;
    if row.seq != expected {
        let reason = if row.seq == expected + 1 {
            format!(
                "sequence jumps from {prev_seq} to {} (event {expected} deleted)",
                row.seq
            )
        } else {
            format!(
                "sequence jumps from {prev_seq} to {} (events {expected} to {} deleted)",
                row.seq,
                row.seq - 1
            )
        };
        return Some(Verification::Broken {
            seq: row.seq,
            reason,
        });
    }
    if row.prev_hash != prev_hash {
        return Some(Verification::Broken {
            seq: row.seq,
            reason: format!("prev_hash does not match event {prev_seq} (deleted or reordered)"),
        });
    }
    let hash = event_hash(
        row.seq,
        row.at,
        &row.actor,
        &row.action,
        &row.object,
        &row.details,
        &row.prev_hash,
    );
    if hash != row.hash {
        return Some(Verification::Broken {
            seq: row.seq,
            reason: "hash does not match its content (edited)".to_owned(),
        });
    }
    None
}

/// The hash of one event: lowercase hex SHA-256 of the encoding tag followed
/// by every field as `<byte length in decimal>:<bytes>,` (a netstring), in
/// the order seq (decimal), at (`%Y-%m-%dT%H:%M:%S%.6fZ`), actor, action,
/// object, details (the stored JSON text, as is), prev_hash. The length
/// prefixes make the encoding unambiguous whatever the fields contain.
fn event_hash(
    seq: i64,
    at: NaiveDateTime,
    actor: &str,
    action: &str,
    object: &str,
    details: &str,
    prev_hash: &str,
) -> String {
    let seq = seq.to_string();
    let at = at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let fields: [&[u8]; 7] = [
        seq.as_bytes(),
        at.as_bytes(),
        actor.as_bytes(),
        action.as_bytes(),
        object.as_bytes(),
        details.as_bytes(),
        prev_hash.as_bytes(),
    ];
    let mut encoded = Vec::with_capacity(
        ENCODING_TAG.len() + 1 + fields.iter().map(|f| f.len() + 22).sum::<usize>(),
    );
    encoded.extend_from_slice(ENCODING_TAG);
    encoded.push(b'\n');
    for field in fields {
        encoded.extend_from_slice(field.len().to_string().as_bytes());
        encoded.push(b':');
        encoded.extend_from_slice(field);
        encoded.push(b',');
    }
    hex::encode(digest(&SHA256, &encoded).as_ref())
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use serde_json::json;

    use super::*;
    use crate::store::{DatabaseUrl, Store, StoreError};

    fn sqlite_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&DatabaseUrl::Sqlite(dir.path().join("t.db"))).unwrap();
        (dir, store)
    }

    fn event(n: usize) -> AuditEvent<'static> {
        AuditEvent {
            actor: "operator",
            action: AuditAction::CertificateIssue,
            object: "serial-x",
            details: json!({ "n": n, "profile": "personal", "note": "chữ ký số" }),
        }
    }

    fn append_n(store: &Store, n: usize) {
        store
            .write(|c| {
                for i in 0..n {
                    append(c, event(i))?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }

    fn append_one(store: &Store, event: AuditEvent<'_>) -> i64 {
        store
            .write(|c| Ok::<_, StoreError>(append(c, event)?))
            .unwrap()
    }

    fn sql(store: &Store, statements: &str) {
        store.conn().unwrap().batch_execute(statements).unwrap();
    }

    fn run_verify(store: &Store) -> Verification {
        store.read(|c| Ok::<_, StoreError>(verify(c)?)).unwrap()
    }

    #[track_caller]
    fn assert_broken_at(v: Verification, expected_seq: i64, reason_part: &str) {
        match v {
            Verification::Broken { seq, reason } => {
                assert_eq!(seq, expected_seq, "reason: {reason}");
                assert!(
                    reason.contains(reason_part),
                    "reason {reason:?} lacks {reason_part:?}"
                );
            }
            Verification::Ok { events } => {
                panic!("expected a break at {expected_seq}, verified {events} events")
            }
        }
    }

    /// The tamper scenario, on whichever backend the store uses.
    fn edit_detected(store: &Store) {
        let seqs: Vec<i64> = (0..3).map(|i| append_one(store, event(i))).collect();
        assert_eq!(seqs, [1, 2, 3]);
        assert_eq!(run_verify(store), Verification::Ok { events: 3 });

        diesel::sql_query("UPDATE audit_events SET details = '{}' WHERE seq = 2")
            .execute(&mut *store.conn().unwrap())
            .unwrap();
        assert_broken_at(run_verify(store), 2, "edited");
    }

    #[test]
    fn empty_log_verifies() {
        let (_dir, store) = sqlite_store();
        assert_eq!(run_verify(&store), Verification::Ok { events: 0 });
    }

    #[test]
    fn appended_events_verify_and_are_stored_as_hashed() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 5);
        assert_eq!(run_verify(&store), Verification::Ok { events: 5 });

        let rows: Vec<AuditEventRow> = store
            .read(|c| {
                Ok::<_, StoreError>(
                    audit_events::table
                        .order(audit_events::seq.asc())
                        .select(AuditEventRow::as_select())
                        .load(c)?,
                )
            })
            .unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].prev_hash, GENESIS_HASH);
        for pair in rows.windows(2) {
            assert_eq!(pair[1].prev_hash, pair[0].hash);
            assert_eq!(pair[1].seq, pair[0].seq + 1);
        }
        assert_eq!(rows[0].at.and_utc().timestamp_subsec_nanos() % 1000, 0);
        let (head_seq, head_hash) = store.read(|c| Ok::<_, StoreError>(read_head(c)?)).unwrap();
        assert_eq!(head_seq, 5);
        assert_eq!(head_hash, rows[4].hash);
    }

    #[test]
    fn rolled_back_append_leaves_no_trace() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 2);
        let failed: Result<(), StoreError> = store.write(|c| {
            append(c, event(9))?;
            Err(StoreError::Connect("simulated failure".to_owned()))
        });
        assert!(failed.is_err());
        assert_eq!(run_verify(&store), Verification::Ok { events: 2 });
        assert_eq!(append_one(&store, event(3)), 3);
        assert_eq!(run_verify(&store), Verification::Ok { events: 3 });
    }

    #[test]
    fn edited_event_is_detected() {
        let (_dir, store) = sqlite_store();
        edit_detected(&store);
    }

    #[test]
    fn edited_timestamp_is_detected() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 3);
        sql(
            &store,
            "UPDATE audit_events SET at = '2000-01-01 00:00:00' WHERE seq = 3",
        );
        assert_broken_at(run_verify(&store), 3, "edited");
    }

    #[test]
    fn deleted_middle_event_is_detected() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 6);
        sql(&store, "DELETE FROM audit_events WHERE seq = 5");
        assert_broken_at(
            run_verify(&store),
            6,
            "sequence jumps from 4 to 6 (event 5 deleted)",
        );
    }

    #[test]
    fn deleted_first_event_is_detected() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 3);
        sql(&store, "DELETE FROM audit_events WHERE seq = 1");
        assert_broken_at(run_verify(&store), 2, "event 1 deleted");
    }

    #[test]
    fn deleted_and_renumbered_event_is_detected() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 4);
        sql(
            &store,
            "DELETE FROM audit_events WHERE seq = 2; \
             UPDATE audit_events SET seq = 2 WHERE seq = 3; \
             UPDATE audit_events SET seq = 3 WHERE seq = 4; \
             UPDATE audit_head SET seq = 3;",
        );
        assert_broken_at(run_verify(&store), 2, "prev_hash does not match event 1");
    }

    #[test]
    fn deleted_last_event_is_detected() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 10);
        sql(&store, "DELETE FROM audit_events WHERE seq = 10");
        assert_broken_at(
            run_verify(&store),
            10,
            "head says 10 events but the log ends at 9 (last event deleted)",
        );
    }

    #[test]
    fn deleted_tail_with_head_rewound_is_detected() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 4);
        sql(
            &store,
            "DELETE FROM audit_events WHERE seq = 4; UPDATE audit_head SET seq = 3",
        );
        assert_broken_at(
            run_verify(&store),
            3,
            "head hash does not match the last event",
        );
    }

    #[test]
    fn reordered_events_are_detected() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 5);
        sql(
            &store,
            "UPDATE audit_events SET seq = -1 WHERE seq = 3; \
             UPDATE audit_events SET seq = 3 WHERE seq = 4; \
             UPDATE audit_events SET seq = 4 WHERE seq = -1;",
        );
        assert_broken_at(run_verify(&store), 3, "reordered");
    }

    #[test]
    fn swapped_contents_are_detected() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 5);
        // Swap everything but the sequence numbers and the chain links.
        sql(
            &store,
            "UPDATE audit_events SET details = CASE seq \
                 WHEN 2 THEN (SELECT details FROM audit_events WHERE seq = 4) \
                 ELSE (SELECT details FROM audit_events WHERE seq = 2) END \
             WHERE seq IN (2, 4);",
        );
        assert_broken_at(run_verify(&store), 2, "edited");
    }

    #[test]
    fn event_beyond_head_is_detected() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 3);
        sql(
            &store,
            "UPDATE audit_head SET seq = 2, \
                 hash = (SELECT hash FROM audit_events WHERE seq = 2)",
        );
        assert_broken_at(run_verify(&store), 3, "beyond the head");
    }

    #[test]
    fn verification_crosses_batch_boundaries() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 2 * VERIFY_BATCH as usize + 5);
        assert_eq!(
            run_verify(&store),
            Verification::Ok {
                events: 2 * VERIFY_BATCH as u64 + 5
            }
        );
        sql(
            &store,
            &format!(
                "UPDATE audit_events SET actor = 'mallory' WHERE seq = {}",
                VERIFY_BATCH + 1
            ),
        );
        assert_broken_at(run_verify(&store), VERIFY_BATCH + 1, "edited");
    }

    #[test]
    fn details_are_hashed_as_stored() {
        let (_dir, store) = sqlite_store();
        append_n(&store, 2);
        // Same JSON value, different text: the chain must notice.
        sql(
            &store,
            "UPDATE audit_events SET details = details || ' ' WHERE seq = 1",
        );
        assert_broken_at(run_verify(&store), 1, "edited");
    }

    #[test]
    fn encoding_is_unambiguous() {
        let at = NaiveDateTime::default();
        let a = event_hash(1, at, "ab", "c", "o", "{}", GENESIS_HASH);
        let b = event_hash(1, at, "a", "bc", "o", "{}", GENESIS_HASH);
        assert_ne!(a, b);
        let c = event_hash(12, at, "", "a", "o", "{}", GENESIS_HASH);
        let d = event_hash(1, at, "2", "a", "o", "{}", GENESIS_HASH);
        assert_ne!(c, d);
        assert_eq!(a.len(), 64);
        assert_eq!(a, event_hash(1, at, "ab", "c", "o", "{}", GENESIS_HASH));
    }

    #[test]
    fn verification_displays() {
        assert_eq!(
            Verification::Ok { events: 2 }.to_string(),
            "audit log intact (2 events)"
        );
        let broken = Verification::Broken {
            seq: 4,
            reason: "x".to_owned(),
        };
        assert!(!broken.is_ok());
        assert_eq!(broken.to_string(), "audit log broken at event 4: x");
    }

    /// Drops the scratch PostgreSQL database when the test ends, pass or fail.
    struct ScratchPg {
        admin_url: String,
        name: String,
    }

    impl Drop for ScratchPg {
        fn drop(&mut self) {
            let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            let result = match PgConnection::establish(&self.admin_url) {
                Ok(mut admin) => diesel::sql_query(statement)
                    .execute(&mut admin)
                    .map(drop)
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = result {
                eprintln!("could not drop scratch database {}: {e}", self.name);
            }
        }
    }

    #[test]
    fn edited_event_is_detected_on_postgres() {
        let admin_url = std::env::var("GOVPKI_TEST_PG_URL").unwrap_or_else(|_| {
            panic!(
                "GOVPKI_TEST_PG_URL is required for the PostgreSQL audit test \
                 (e.g. postgres://postgres@127.0.0.1:5432/test)"
            )
        });
        let mut random = [0_u8; 8];
        aws_lc_rs::rand::fill(&mut random).unwrap();
        let name = format!("govpki_audit_{}", hex::encode(random));
        let mut admin = PgConnection::establish(&admin_url).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .unwrap();
        drop(admin);
        let _scratch = ScratchPg {
            admin_url: admin_url.clone(),
            name: name.clone(),
        };
        let (base, last) = admin_url
            .rsplit_once('/')
            .expect("GOVPKI_TEST_PG_URL has no database path");
        let query = last.find('?').map_or("", |i| &last[i..]);
        let store = Store::open(&DatabaseUrl::Postgres(format!("{base}/{name}{query}"))).unwrap();
        assert_eq!(run_verify(&store), Verification::Ok { events: 0 });
        edit_detected(&store);
    }
}
