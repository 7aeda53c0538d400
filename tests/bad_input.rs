//! Bad input: every refusal exits non-zero with exactly one line on stderr
//! that names the problem, and changes nothing in the database.

#[macro_use]
mod common;

use common::*;

/// A subscriber-add command line with one field replaced.
fn add_args<'a>(kind: &'a str, id_flag: &'a str, id: &'a str, province: &'a str) -> Vec<&'a str> {
    vec![
        "subscriber",
        "add",
        "--kind",
        kind,
        "--name",
        "Nguyễn Văn An",
        id_flag,
        id,
        "--province",
        province,
    ]
}

both_databases!(bad_identities, |env| {
    env.init_and_export();
    let cases: [(Vec<&str>, &[&str]); 5] = [
        (
            add_args("individual", "--national-id", "CCCD:00108903173", "Cần Thơ"),
            &["CCCD", "12 digits"],
        ),
        (
            add_args("individual", "--national-id", "CMND:0123456789", "Cần Thơ"),
            &["CMND", "9 or 12"],
        ),
        (
            add_args("organization", "--tax-code", "MST:630012345", "Cần Thơ"),
            &["MST", "tax"],
        ),
        (
            add_args(
                "individual",
                "--national-id",
                "CCCD:001089031733",
                "Xứ Sở Thần Tiên",
            ),
            &["province", "Xứ Sở Thần Tiên"],
        ),
        (
            add_args(
                "individual",
                "--national-id",
                "BHXH:001089031733",
                "Cần Thơ",
            ),
            &["BHXH", "prefix"],
        ),
    ];
    for (args, words) in cases {
        let line = env.fail_unchanged(&args);
        assert_mentions(&line, words);
    }
    let line = env.fail_unchanged(&[
        "subscriber",
        "add",
        "--kind",
        "individual",
        "--name",
        "Nguyễn Văn An",
        "--national-id",
        "CCCD:001089031733",
        "--province",
        "Cần Thơ",
        "--email",
        "not an address",
    ]);
    assert_mentions(&line, &["email", "e-mail"]);

    let id = env.add_individual();
    env.ok(&["token", "add", "--serial", "TOKEN-A1", "--subscriber", &id]);
    let line = env.fail_unchanged(&["token", "add", "--serial", "TOKEN-A1", "--subscriber", &id]);
    assert_mentions(&line, &["TOKEN-A1"]);
    let line = env.fail_unchanged(&[
        "token",
        "add",
        "--serial",
        "TOKEN-B1",
        "--subscriber",
        "999999",
    ]);
    assert_mentions(&line, &["999999", "subscriber"]);
    let line = env.fail_unchanged(&["token", "lost", "--serial", "TOKEN-NONE"]);
    assert_mentions(&line, &["TOKEN-NONE", "token"]);
});

both_databases!(bad_transitions, |env| {
    env.init_and_export();
    let id = env.add_individual();
    let (_, serial) = env.issue(&id, &env.csr_p256("an"), "an", &[]);
    let line = env.fail_unchanged(&["cert", "restore", "--serial", &serial]);
    assert_mentions(&line, &["good", "suspended", "restore"]);
    let line = env.fail_unchanged(&["cert", "revoke", "--serial", &serial, "--reason", "stolen"]);
    assert_mentions(&line, &["stolen", "reason"]);
    let line = env.fail_unchanged(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "key-compromise",
        "--invalidity-date",
        "2999-01-01T00:00:00Z",
    ]);
    assert_mentions(&line, &["invalidity", "future"]);
    let line = env.fail_unchanged(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "key-compromise",
        "--invalidity-date",
        "yesterday",
    ]);
    assert_mentions(&line, &["yesterday", "date"]);

    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "cessation-of-operation",
    ]);
    for op in ["renew", "restore", "suspend"] {
        let line = env.fail_unchanged(&["cert", op, "--serial", &serial]);
        assert_mentions(&line, &["revoked"]);
    }

    // Serials: unknown, garbage.
    let unknown = "7fffffffffffffffffffffffffffffff";
    for args in [
        vec!["cert", "show", "--serial", unknown],
        vec!["cert", "suspend", "--serial", unknown],
        vec![
            "cert",
            "revoke",
            "--serial",
            unknown,
            "--reason",
            "superseded",
        ],
        vec!["cert", "renew", "--serial", unknown],
    ] {
        let line = env.fail_unchanged(&args);
        assert_mentions(&line, &[unknown]);
    }
    for args in [
        vec!["cert", "show", "--serial", "xyz"],
        vec![
            "cert",
            "revoke",
            "--serial",
            "xyz",
            "--reason",
            "superseded",
        ],
    ] {
        let line = env.fail_unchanged(&args);
        assert_mentions(&line, &["xyz", "hex"]);
    }
    let line = env.fail_unchanged(&["cert", "show", "--serial", "00"]);
    assert_mentions(&line, &["serial", "positive"]);

    // change-info of a revoked certificate: refused, and the subscriber
    // record is left as it was (no update before the refusal).
    let title_before = env.query_strings("SELECT COALESCE(title, '') AS s FROM subscribers");
    let line = env.fail_unchanged(&[
        "cert",
        "change-info",
        "--serial",
        &serial,
        "--title",
        "Giám đốc",
    ]);
    assert_mentions(&line, &["revoked"]);
    assert_eq!(
        title_before,
        env.query_strings("SELECT COALESCE(title, '') AS s FROM subscribers")
    );
});

both_databases!(bad_database_url, |env| {
    env.init_and_export();
    let before = env.snapshot();
    let out = env.run_without_database(&["--database-url", "mysql://x", "ca", "list"]);
    let line = expect_one_line_failure("govpki --database-url mysql://x ca list", &out);
    assert_mentions(&line, &["mysql", "database"]);
    let out = env.run_without_database(&[
        "--database-url",
        "mysql://x",
        "subscriber",
        "add",
        "--kind",
        "individual",
        "--name",
        "Nguyễn Văn An",
        "--national-id",
        "CCCD:001089031733",
        "--province",
        "Cần Thơ",
    ]);
    expect_one_line_failure("govpki --database-url mysql://x subscriber add", &out);
    assert_eq!(before, env.snapshot());
    assert!(!env.work_dir().join("x").exists());
    let line = env.fail_unchanged(&["ca", "export", "no-such-ca"]);
    assert_mentions(&line, &["no-such-ca"]);
});
