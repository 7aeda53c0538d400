//! The bus and the PostgreSQL notification see committed changes only, on
//! both databases.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::{record, CHANNEL};
use crate::store::StoreError;
use crate::test_support::test_ca;
use crate::Ca;

/// One rolled-back change (41), one committed (42), one transaction with
/// none: the bus carries exactly [42].
fn committed_only(ca: &Ca) {
    let changes = ca.store().status_bus().subscribe();
    let rolled_back: Result<(), StoreError> = ca.store().write(|c| {
        record(c, 41)?;
        Err(diesel::result::Error::RollbackTransaction.into())
    });
    assert!(rolled_back.is_err());
    ca.store()
        .write(|c| -> Result<(), StoreError> { Ok(record(c, 42)?) })
        .unwrap();
    ca.store()
        .write(|_| -> Result<(), StoreError> { Ok(()) })
        .unwrap();
    let got = changes.recv_timeout(Duration::from_secs(1)).unwrap();
    assert_eq!(got, vec![42], "only the committed change");
    assert!(
        changes.try_recv().is_err(),
        "a transaction without status changes publishes nothing"
    );
}

#[test]
fn a_committed_change_is_published_and_a_rolled_back_one_is_not_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    committed_only(&test_ca(dir.path(), None));
}

#[test]
fn a_committed_change_is_published_and_a_rolled_back_one_is_not_postgres() {
    let admin_url = std::env::var("GOVPKI_TEST_PG_URL")
        .expect("GOVPKI_TEST_PG_URL is required (e.g. postgres://postgres@127.0.0.1:5432/test)");
    let mut random = [0_u8; 8];
    aws_lc_rs::rand::fill(&mut random).unwrap();
    let name = format!("govpki_notify_{}", hex::encode(random));
    let mut admin = PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{base}/{name}");
    let dir = tempfile::tempdir().unwrap();
    {
        let ca = test_ca(dir.path(), Some(&url));
        let mut listener = PgConnection::establish(&url).unwrap();
        listener
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .unwrap();
        committed_only(&ca);
        let mut heard = Vec::new();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            heard.extend(listener.notifications_iter().map(|n| n.unwrap().payload));
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(heard, vec!["42".to_owned()], "NOTIFY only at commit");
    }
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
}
