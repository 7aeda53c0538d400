//! The CA hierarchy: `init --demo`, `ca list`, `ca export`, the root and
//! issuing CA certificates as openssl reads them, sub-CAs under our root.

#[macro_use]
mod common;

use common::*;

both_databases!(init_lists_and_exports, |env| {
    let out = env.init();
    let root = env.export(ROOT);
    let gov = env.export(GOV_CA);
    let root_fp = fingerprint(env, &root);
    let gov_fp = fingerprint(env, &gov);
    let printed = normalize_hex(&out);
    assert!(
        out.contains(ROOT) && out.contains(GOV_CA),
        "init --demo must print the ids:\n{out}"
    );
    assert!(
        printed.contains(&root_fp),
        "init must print the root's SHA-256 fingerprint {root_fp}:\n{out}"
    );
    assert!(
        printed.contains(&gov_fp),
        "init must print gov-ca's SHA-256 fingerprint {gov_fp}:\n{out}"
    );

    let list = env.ok(&["ca", "list"]);
    for (id, fp) in [(ROOT, &root_fp), (GOV_CA, &gov_fp)] {
        let lines: Vec<&str> = list
            .lines()
            .filter(|l| normalize_hex(l).contains(fp.as_str()))
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "ca list must show {id} on one line:\n{list}"
        );
        let first_word = lines[0].split_whitespace().next().unwrap_or_default();
        assert_eq!(
            first_word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'),
            id,
            "line {:?}",
            lines[0]
        );
        assert!(
            lines[0].contains("active"),
            "{id} must be active: {:?}",
            lines[0]
        );
    }
    let gov_line = list
        .lines()
        .find(|l| l.starts_with(GOV_CA))
        .unwrap_or_default();
    assert!(
        gov_line.contains("CA phục vụ các cơ quan Nhà nước"),
        "ca list must show the subject: {gov_line:?}"
    );
    let lines = list.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(lines, 2, "one line per issuer:\n{list}");

    // A second init refuses and changes nothing.
    let line = env.fail_unchanged(&["init", "--demo"]);
    assert_mentions(&line, &["already", "exist", "initiali"]);
    assert_eq!(
        fingerprint(env, &env.export(ROOT)),
        root_fp,
        "the root must not change"
    );
});

both_databases!(ca_certificates_are_well_formed, |env| {
    env.init();
    let root = env.export(ROOT);
    let gov = env.export(GOV_CA);
    env.verify_chain_to(&gov, &root, &[]);
    env.verify_chain_to(&root, &root, &[]);

    let chain = env.ok(&["ca", "export", GOV_CA, "--chain"]);
    let blocks = pem_blocks(&chain, "CERTIFICATE");
    assert_eq!(
        blocks.len(),
        2,
        "gov-ca --chain must hold gov-ca and root:\n{chain}"
    );
    assert_eq!(
        blocks[0].trim(),
        std::fs::read_to_string(&gov).unwrap().trim()
    );
    assert_eq!(
        blocks[1].trim(),
        std::fs::read_to_string(&root).unwrap().trim()
    );
    let chain_file = env.write("chain.pem", &chain);
    let (gov_s, root_s, chain_s) = (
        gov.display().to_string(),
        root.display().to_string(),
        chain_file.display().to_string(),
    );
    let out = env.openssl_ok(&["verify", "-CAfile", &root_s, "-untrusted", &chain_s, &gov_s]);
    assert!(out.trim_end().ends_with(": OK"), "{out}");

    check_ca_certificate(env, &root, None);
    check_ca_certificate(env, &gov, Some(0));
    let (root_text, gov_text) = (env.cert_text(&root), env.cert_text(&gov));
    assert_eq!(
        aki(&gov_text),
        ski(&root_text),
        "gov-ca's AKI must be the root's SKI"
    );
    assert_eq!(
        aki(&root_text),
        ski(&root_text),
        "the root's AKI is its own SKI"
    );
    assert_ne!(ski(&gov_text), ski(&root_text));

    let subject = env.subject_lines(&gov);
    assert!(subject.contains(&"C=VN".to_owned()), "{subject:?}");
    assert!(
        subject
            .iter()
            .any(|l| l.starts_with("CN=CA phục vụ các cơ quan Nhà nước")),
        "gov-ca's CN must be the exact Vietnamese text: {subject:?}"
    );
    check_string_types(env, &gov);
    check_string_types(env, &root);
});

both_databases!(sub_ca_under_root, |env| {
    env.init_and_export();
    env.ok(&[
        "ca",
        "create-sub",
        "--parent",
        ROOT,
        "--id",
        "party-ca",
        "--name",
        "CA phục vụ các cơ quan Đảng",
        "--key",
        "p256",
    ]);
    let party = env.export("party-ca");
    env.verify_chain(&party, &[]);
    check_ca_certificate(env, &party, Some(0));
    let text = env.cert_text(&party);
    assert!(
        text.contains("prime256v1") || text.contains("P-256"),
        "party-ca must have a P-256 key:\n{text}"
    );
    assert_eq!(aki(&text), ski(&env.cert_text(&env.path("root.pem"))));
    let subject = env.subject_lines(&party);
    assert!(
        subject.contains(&"CN=CA phục vụ các cơ quan Đảng".to_owned()),
        "{subject:?}"
    );
    let list = env.ok(&["ca", "list"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with("party-ca") && l.contains("active")),
        "{list}"
    );

    // It issues, and the chain holds.
    let subscriber = env.add_individual();
    let csr = env.csr_p256("leaf");
    let pem = env.ok(&[
        "cert",
        "issue",
        "--subscriber",
        &subscriber,
        "--profile",
        "individual",
        "--csr",
        &csr.display().to_string(),
        "--issuer",
        "party-ca",
    ]);
    let leaf = env.write("leaf.pem", &pem);
    env.verify_chain(&leaf, &["party-ca"]);
    assert!(
        env.cert_text(&leaf).contains("/ca/party-ca.crt"),
        "AIA must name party-ca"
    );

    // The same id twice is refused.
    let line = env.fail_unchanged(&[
        "ca",
        "create-sub",
        "--parent",
        ROOT,
        "--id",
        "party-ca",
        "--name",
        "Khác",
        "--key",
        "p256",
    ]);
    assert_mentions(&line, &["party-ca", "exist"]);
});

both_databases!(two_roots_cross_certified, |env| {
    env.init_and_export();
    // The Party's root beside the State's, with its own issuing CA.
    env.ok(&[
        "ca",
        "create-root",
        "--id",
        "party-root",
        "--name",
        "Root CA cơ quan Đảng (thử nghiệm)",
        "--key",
        "p384",
    ]);
    env.ok(&[
        "ca",
        "create-sub",
        "--parent",
        "party-root",
        "--id",
        "party-ca",
        "--name",
        "CA phục vụ cơ quan Đảng (thử nghiệm)",
        "--key",
        "p256",
    ]);
    let party_root = env.export("party-root");
    env.export("party-ca");
    check_ca_certificate(env, &party_root, None);
    let subscriber = env.add_individual();
    let pem = env.ok(&[
        "cert",
        "issue",
        "--issuer",
        "party-ca",
        "--subscriber",
        &subscriber,
        "--profile",
        "individual",
        "--csr",
        &env.csr_p256("party-leaf").display().to_string(),
    ]);
    let leaf = env.write("party-leaf.pem", &pem);
    env.verify_chain_to(&leaf, &party_root, &["party-ca"]);
    // Trusting only the State's root, the Party's leaf does not verify…
    let leaf_arg = leaf.display().to_string();
    let alone = env.openssl(&[
        "verify",
        "-CAfile",
        &env.p("root.pem"),
        "-untrusted",
        &env.p("party-ca.pem"),
        &leaf_arg,
    ]);
    assert!(
        !alone.status.success(),
        "no path without the cross-certificate"
    );
    // … until the State's root certifies the Party's.
    let cross = env.ok(&[
        "ca",
        "cross-certify",
        "--issuer",
        "root",
        "--subject",
        "party-root",
    ]);
    env.write("cross.pem", &cross);
    let text = env.cert_text(&env.path("cross.pem"));
    assert!(
        text.contains("CA:TRUE") && text.contains("Certificate Sign, CRL Sign"),
        "{text}"
    );
    env.verify_chain(&leaf, &["party-ca", "cross"]);
    // The cross-certificate is a certificate of the root like any other:
    // listed, and revocable.
    let serial = env.serial_of(&env.path("cross.pem"));
    let show = env.show(&serial);
    assert!(show.contains("cross-certify"), "{show}");
    // Refusals change nothing.
    for args in [
        ["--issuer", "root", "--subject", "root"],
        ["--issuer", "root", "--subject", "no-such-ca"],
        ["--issuer", "no-such-ca", "--subject", "party-root"],
    ] {
        let mut all = vec!["ca", "cross-certify"];
        all.extend_from_slice(&args);
        env.fail_unchanged(&all);
    }
    assert_audit_ok(env);
});
