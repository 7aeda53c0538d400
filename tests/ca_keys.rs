//! How CA keys sit on disk: encrypted PKCS#8, mode 0600, the demo
//! passphrase in a 0600 file, no secret in the output or the database.

#[macro_use]
mod common;

use std::os::unix::fs::PermissionsExt;

use common::*;

both_databases!(ca_keys_are_encrypted_on_disk, |env| {
    let out = env.run(&["init", "--demo"]);
    let init_output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{init_output}");
    env.ok(&[
        "ca",
        "create-sub",
        "--parent",
        ROOT,
        "--id",
        "party-ca",
        "--name",
        "CA Đảng",
        "--key",
        "p256",
    ]);

    let pass_file = env.data_dir().join("demo-key-passphrase");
    let mode = std::fs::metadata(&pass_file)
        .expect("demo-key-passphrase exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the demo passphrase file must be 0600");
    let passphrase = std::fs::read_to_string(&pass_file)
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        passphrase.chars().count() >= 12,
        "the demo passphrase is too short"
    );
    assert!(
        !init_output.contains(&passphrase),
        "init must not print the passphrase"
    );

    let key_dir = env.data_dir().join("keys");
    let mut key_pubs = Vec::new();
    for entry in std::fs::read_dir(&key_dir).expect("a keys directory in the data dir") {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{} is not an encrypted PKCS#8 key",
            path.display()
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{} must be 0600", path.display());
        let p = path.display().to_string();
        let wrong = env.openssl(&[
            "pkey",
            "-in",
            &p,
            "-passin",
            "pass:not-the-passphrase",
            "-pubout",
        ]);
        assert!(
            !wrong.status.success(),
            "a wrong passphrase must not open {p}"
        );
        let pass_arg = format!("file:{}", pass_file.display());
        key_pubs.push(env.openssl_ok(&["pkey", "-in", &p, "-passin", &pass_arg, "-pubout"]));
    }
    assert_eq!(
        key_pubs.len(),
        3,
        "three CA keys expected in {}",
        key_dir.display()
    );
    for id in [ROOT, GOV_CA, "party-ca"] {
        let public = env.pubkey_of_cert(&env.export(id));
        assert!(
            key_pubs.contains(&public),
            "no key file holds the key of {id}"
        );
    }

    let details = env.query_strings("SELECT details AS s FROM audit_events");
    assert!(details
        .iter()
        .all(|d| !d.contains(&passphrase) && !d.contains("PRIVATE KEY")));
    if !env.is_postgres() {
        for name in ["govpki.db", "govpki.db-wal"] {
            if let Ok(bytes) = std::fs::read(env.data_dir().join(name)) {
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(&passphrase) && !text.contains("PRIVATE KEY"),
                    "{name} holds a secret"
                );
            }
        }
    }
});
