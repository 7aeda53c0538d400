use std::time::Duration;

use super::record;
use crate::store::StoreError;
use crate::test_support::test_ca;

#[test]
fn a_committed_change_is_published_and_a_rolled_back_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path(), None);
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
