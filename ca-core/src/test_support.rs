//! What the library's own tests share: a CA with P-256 keys, made in a
//! temporary directory.

use std::path::Path;

use crate::config::CaConfig;
use crate::hierarchy::InitOptions;
use crate::signer::KeySpec;
use crate::Ca;

/// A CA (P-256 keys) in `dir`, on SQLite there or on `database_url`.
pub(crate) fn test_ca(dir: &Path, database_url: Option<&str>) -> Ca {
    let config = CaConfig::load(
        dir,
        database_url,
        None,
        None,
        Some("test passphrase 123".into()),
        None,
    )
    .unwrap();
    let ca = Ca::open(config).unwrap();
    let opts = InitOptions {
        demo: false,
        root_key: KeySpec::P256.into(),
        issuing_key: KeySpec::P256.into(),
        ..InitOptions::demo()
    };
    ca.init(&opts, "test").unwrap();
    ca
}
