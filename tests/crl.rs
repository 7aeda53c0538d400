//! CRLs (RFC 5280 §5) checked by openssl: full and delta CRLs verify under
//! their issuer, `openssl verify -crl_check` (and `-crl_check_all`,
//! `-use_deltas`) sees revocations, holds and their removal, CRL numbers
//! only go up, shards list only their own certificates, and bad input
//! changes nothing.

#[macro_use]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;

/// `crl generate ARGS`: the lines printed, one per CRL.
fn generate(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["crl", "generate"];
    all.extend_from_slice(args);
    env.ok(&all).lines().map(str::to_owned).collect()
}

/// `crl show` of the latest full (or delta) CRL of a shard, as PEM in the
/// work directory; also checks `openssl crl -verify` under the issuer.
fn save_crl(env: &TestEnv, issuer: &str, shard: u32, delta: bool) -> PathBuf {
    let kind = if delta { "delta" } else { "full" };
    let name = format!("{issuer}-{shard}-{kind}-{}.crl.pem", random_hex(4));
    let path = env.path(&name);
    let shard = shard.to_string();
    let out = env.p(&name);
    let mut args = vec![
        "crl", "show", "--issuer", issuer, "--shard", &shard, "--pem", "--out", &out,
    ];
    if delta {
        args.push("--delta");
    }
    env.ok(&args);
    verify_crl_signature(env, &path, issuer);
    path
}

/// `openssl crl -verify -CAfile {issuer}.pem`.
fn verify_crl_signature(env: &TestEnv, crl: &Path, issuer: &str) {
    let ca = env.p(&format!("{issuer}.pem"));
    let crl = crl.display().to_string();
    let out = env.openssl(&["crl", "-in", &crl, "-noout", "-verify", "-CAfile", &ca]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.contains("verify OK"),
        "openssl crl -verify {crl} under {issuer}: {stderr}"
    );
}

/// `openssl crl -text`.
fn crl_text(env: &TestEnv, crl: &Path) -> String {
    env.openssl_ok(&["crl", "-in", &crl.display().to_string(), "-noout", "-text"])
}

/// The CRL number `openssl crl -crlnumber` prints.
fn crl_number(env: &TestEnv, crl: &Path) -> u64 {
    let out = env.openssl_ok(&[
        "crl",
        "-in",
        &crl.display().to_string(),
        "-noout",
        "-crlnumber",
    ]);
    let hex = out.trim().strip_prefix("crlNumber=0x").unwrap_or_else(|| {
        panic!("unexpected -crlnumber output {out:?}");
    });
    u64::from_str_radix(hex, 16).expect("hex CRL number")
}

/// `openssl verify -CAfile root.pem -untrusted … -CRLfile … FLAGS cert`:
/// (said OK, everything printed).
fn verify_with_crls(
    env: &TestEnv,
    cert: &Path,
    intermediates: &[&str],
    crls: &[&Path],
    flags: &[&str],
) -> (bool, String) {
    let mut args: Vec<String> = vec!["verify".into(), "-CAfile".into(), env.p("root.pem")];
    for i in intermediates {
        args.push("-untrusted".into());
        args.push(env.p(&format!("{i}.pem")));
    }
    for crl in crls {
        args.push("-CRLfile".into());
        args.push(crl.display().to_string());
    }
    args.extend(flags.iter().map(|f| (*f).to_owned()));
    args.push(cert.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = env.openssl(&args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let ok = out.status.success() && text.trim_end().ends_with(": OK");
    (ok, text)
}

fn assert_good(env: &TestEnv, cert: &Path, chain: &[&str], crls: &[&Path], flags: &[&str]) {
    let (ok, text) = verify_with_crls(env, cert, chain, crls, flags);
    assert!(
        ok,
        "{} must verify OK with {flags:?}: {text}",
        cert.display()
    );
}

fn assert_revoked(env: &TestEnv, cert: &Path, chain: &[&str], crls: &[&Path], flags: &[&str]) {
    let (ok, text) = verify_with_crls(env, cert, chain, crls, flags);
    if ok || !text.contains("certificate revoked") {
        let crls: Vec<String> = crls.iter().map(|c| crl_text(env, c)).collect();
        panic!(
            "{} must be revoked with {flags:?}: {text}\nCRLs:\n{}",
            cert.display(),
            crls.join("\n")
        );
    }
}

/// The entry of `serial` in `openssl crl -text` (up to the next serial),
/// or None when the CRL does not list it.
fn entry<'a>(text: &'a str, serial: &str) -> Option<&'a str> {
    let marker = format!("Serial Number: {}", serial.to_uppercase());
    let start = text.find(&marker)?;
    let rest = &text[start + marker.len()..];
    let end = rest
        .find("Serial Number:")
        .or_else(|| rest.find("Signature Algorithm"))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The URIs under an extension heading of `openssl … -text`.
fn uris(text: &str, heading: &str) -> Vec<String> {
    extension_value(text, heading)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("URI:"))
        .map(str::to_owned)
        .collect()
}

/// The shard of a serial: its value modulo the shard count.
fn shard_of(serial: &str, shards: u32) -> u32 {
    let n = u128::from_str_radix(serial, 16).expect("hex serial");
    u32::try_from(n % u128::from(shards)).expect("small")
}

both_databases!(full_crls_verify_and_list_revocations, |env| {
    let (id, good) = init_with_certificate(env, "good");
    let (bad_pem, bad) = env.issue(&id, &env.csr_p256("bad"), "bad", &[]);
    let good_pem = env.path("good.pem");
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &bad,
        "--reason",
        "key-compromise",
        "--invalidity-date",
        "2025-01-01T00:00:00Z",
    ]);

    let lines = generate(env, &[]);
    assert_eq!(
        lines.len(),
        4,
        "full + delta for root and gov-ca: {lines:?}"
    );
    for issuer in [ROOT, GOV_CA] {
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with(&format!("{issuer}\t")))
                .count(),
            2,
            "{lines:?}"
        );
    }
    assert!(
        lines.iter().any(|l| l.contains("/crl/gov-ca.crl")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("/crl/gov-ca-delta.crl")),
        "{lines:?}"
    );

    let gov_full = save_crl(env, GOV_CA, 0, false);
    let gov_delta = save_crl(env, GOV_CA, 0, true);
    let root_full = save_crl(env, ROOT, 0, false);
    save_crl(env, ROOT, 0, true);

    let text = crl_text(env, &gov_full);
    assert!(text.contains("Version 2"), "{text}");
    let listed = entry(&text, &bad).unwrap_or_else(|| panic!("{bad} not listed:\n{text}"));
    assert!(listed.contains("Key Compromise"), "{listed}");
    assert!(listed.contains("Invalidity Date"), "{listed}");
    assert!(listed.contains("Jan  1 00:00:00 2025"), "{listed}");
    assert!(
        entry(&text, &good).is_none(),
        "{good} must not be listed:\n{text}"
    );
    // The issuing distribution point is the certificates' CDP, critical.
    let cdp = uris(&env.cert_text(&good_pem), "X509v3 CRL Distribution Points");
    assert_eq!(cdp.len(), 1, "one CDP URI in the certificate");
    assert!(cdp[0].ends_with("/crl/gov-ca.crl"), "{cdp:?}");
    assert_eq!(uris(&text, "X509v3 Issuing Distribution Point"), cdp);
    let idp = extension_heading(&text, "X509v3 Issuing Distribution Point").unwrap_or_default();
    assert!(idp.contains("critical"), "{idp}");
    let freshest = uris(&text, "X509v3 Freshest CRL");
    assert_eq!(freshest.len(), 1, "{text}");
    assert!(
        freshest[0].ends_with("/crl/gov-ca-delta.crl"),
        "{freshest:?}"
    );
    // AKI of the CRL is the issuer's SKI.
    assert_eq!(aki(&text), ski(&env.cert_text(&env.path("gov-ca.pem"))));

    assert_revoked(env, &bad_pem, &[GOV_CA], &[&gov_full], &["-crl_check"]);
    assert_good(env, &good_pem, &[GOV_CA], &[&gov_full], &["-crl_check"]);
    assert_good(
        env,
        &good_pem,
        &[GOV_CA],
        &[&gov_full, &root_full],
        &["-crl_check_all"],
    );
    assert_revoked(
        env,
        &bad_pem,
        &[GOV_CA],
        &[&gov_full, &root_full],
        &["-crl_check_all"],
    );
    assert_good(
        env,
        &good_pem,
        &[GOV_CA],
        &[&gov_full, &gov_delta, &root_full],
        &["-crl_check_all", "-extended_crl", "-use_deltas"],
    );
    assert_audit_ok(env);
});

both_databases!(delta_crls_list_changes_since_their_base, |env| {
    env.init_and_export();
    let id = env.add_individual();
    let (a_pem, a) = env.issue(&id, &env.csr_p256("a"), "a", &[]);
    let (b_pem, b) = env.issue(&id, &env.csr_p256("b"), "b", &[]);
    let (c_pem, c) = env.issue(&id, &env.csr_p256("c"), "c", &[]);
    env.ok(&["cert", "suspend", "--serial", &c]);
    generate(env, &["--full"]);
    let base = save_crl(env, GOV_CA, 0, false);
    let base_number = crl_number(env, &base);
    assert!(entry(&crl_text(env, &base), &c).is_some_and(|e| e.contains("Certificate Hold")));

    // After the base: a revoked, b suspended, c's hold becomes a revocation.
    env.ok(&["cert", "revoke", "--serial", &a, "--reason", "superseded"]);
    env.ok(&["cert", "suspend", "--serial", &b]);
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &c,
        "--reason",
        "cessation-of-operation",
    ]);
    let lines = generate(env, &["--delta", "--issuer", GOV_CA]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let delta = save_crl(env, GOV_CA, 0, true);
    let text = crl_text(env, &delta);
    let indicator = extension_heading(&text, "X509v3 Delta CRL Indicator").unwrap_or_default();
    assert!(indicator.contains("critical"), "{text}");
    assert_eq!(
        extension_value(&text, "X509v3 Delta CRL Indicator").map(|v| v.trim().to_owned()),
        Some(base_number.to_string())
    );
    assert!(crl_number(env, &delta) > base_number);
    assert!(
        entry(&text, &a).is_some_and(|e| e.contains("Superseded")),
        "{text}"
    );
    assert!(
        entry(&text, &b).is_some_and(|e| e.contains("Certificate Hold")),
        "{text}"
    );
    assert!(
        entry(&text, &c).is_some_and(|e| e.contains("Cessation Of Operation")),
        "{text}"
    );
    assert!(
        extension_value(&text, "X509v3 Freshest CRL").is_none(),
        "a delta names no freshest CRL"
    );
    // The base alone does not know about a; with the delta it is revoked.
    // (openssl applies deltas with -use_deltas only under -extended_crl:
    // without it a delta CRL competes with its base as if it were complete.)
    assert_good(env, &a_pem, &[GOV_CA], &[&base], &["-crl_check"]);
    for cert in [&a_pem, &b_pem, &c_pem] {
        assert_revoked(
            env,
            cert,
            &[GOV_CA],
            &[&base, &delta],
            &["-crl_check", "-extended_crl", "-use_deltas"],
        );
    }

    // A new base lists b on hold; b is restored: the next delta removes it.
    generate(env, &["--full", "--issuer", GOV_CA]);
    let base2 = save_crl(env, GOV_CA, 0, false);
    env.ok(&["cert", "restore", "--serial", &b]);
    generate(env, &["--delta", "--issuer", GOV_CA]);
    let delta2 = save_crl(env, GOV_CA, 0, true);
    let text = crl_text(env, &delta2);
    assert!(
        entry(&text, &b).is_some_and(|e| e.contains("Remove From CRL")),
        "{text}"
    );
    assert!(
        entry(&text, &a).is_none(),
        "a is in the base already:\n{text}"
    );
    assert_revoked(env, &b_pem, &[GOV_CA], &[&base2], &["-crl_check"]);
    assert_good(
        env,
        &b_pem,
        &[GOV_CA],
        &[&base2, &delta2],
        &["-crl_check", "-extended_crl", "-use_deltas"],
    );
    assert_revoked(
        env,
        &a_pem,
        &[GOV_CA],
        &[&base2, &delta2],
        &["-crl_check", "-extended_crl", "-use_deltas"],
    );
    assert_audit_ok(env);
});

both_databases!(crl_numbers_only_go_up, |env| {
    env.init_and_export();
    generate(env, &[]);
    let first = crl_number(env, &save_crl(env, GOV_CA, 0, false));
    generate(env, &["--delta"]);
    generate(env, &["--full", "--issuer", GOV_CA]);
    let later = crl_number(env, &save_crl(env, GOV_CA, 0, false));
    assert!(later > first, "{later} after {first}");

    // Two processes at once never hand out the same number.
    let data_dir = env.data_dir().display().to_string();
    let url = env.database_url();
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_govpki"))
                .current_dir(env.work_dir())
                .env_remove("GOVPKI_KEY_PASSPHRASE")
                .env_remove("GOVPKI_DATABASE_URL")
                .args(["--data-dir", &data_dir, "--database-url", &url])
                .args(["crl", "generate"])
                .stdout(Stdio::null())
                .spawn()
                .expect("spawn govpki")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success(), "crl generate failed");
    }

    for issuer in [ROOT, GOV_CA] {
        let numbers: Vec<i64> = env
            .query_strings(&format!(
                "SELECT CAST(number AS TEXT) AS s FROM crls WHERE issuer_id = '{issuer}' \
                 ORDER BY created_at, number"
            ))
            .iter()
            .map(|s| s.parse().expect("number"))
            .collect();
        // 2 + 1 (+ 1 for gov-ca) + 2 × 2.
        assert!(numbers.len() >= 7, "{issuer}: {numbers:?}");
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "{issuer}: CRL numbers must strictly increase in the order made: {numbers:?}"
        );
        assert_eq!(
            env.query_i64(&format!(
                "SELECT crl_number AS n FROM issuers WHERE id = '{issuer}'"
            )),
            *numbers.last().expect("some"),
        );
    }
    let listed = env.ok(&["crl", "list", "--issuer", GOV_CA]);
    assert!(listed.lines().count() >= 8, "{listed}");
    assert_audit_ok(env);
});

both_databases!(shards_list_only_their_own_certificates, |env| {
    const SHARDS: u32 = 4;
    env.init_and_export();
    env.ok(&[
        "ca",
        "create-sub",
        "--parent",
        ROOT,
        "--id",
        "shard-ca",
        "--name",
        "CA phân mảnh (demo)",
        "--key",
        "p256",
        "--crl-shards",
        &SHARDS.to_string(),
    ]);
    env.export("shard-ca");
    // The sub-CA's own certificate is on its (unsharded) parent's CRL.
    let cdp = uris(
        &env.cert_text(&env.path("shard-ca.pem")),
        "X509v3 CRL Distribution Points",
    );
    assert!(cdp[0].ends_with("/crl/root.crl"), "{cdp:?}");

    let id = env.add_individual();
    let mut issued: Vec<(PathBuf, String, u32)> = Vec::new();
    for i in 0..12 {
        let csr = env.csr_p256(&format!("s{i}")).display().to_string();
        let pem = env.ok(&[
            "cert",
            "issue",
            "--subscriber",
            &id,
            "--profile",
            "individual",
            "--csr",
            &csr,
            "--issuer",
            "shard-ca",
        ]);
        let path = env.write(&format!("s{i}.pem"), &pem);
        env.verify_chain(&path, &["shard-ca"]);
        let serial = env.serial_of(&path);
        let shard = shard_of(&serial, SHARDS);
        let cdp = uris(&env.cert_text(&path), "X509v3 CRL Distribution Points");
        assert_eq!(cdp.len(), 1);
        assert!(
            cdp[0].ends_with(&format!("/crl/shard-ca/{shard}.crl")),
            "{serial} is in shard {shard}: {cdp:?}"
        );
        issued.push((path, serial, shard));
        let shards_used: std::collections::BTreeSet<u32> =
            issued.iter().map(|(_, _, s)| *s).collect();
        if shards_used.len() >= 2 {
            break;
        }
    }
    let (revoked_pem, revoked, revoked_shard) = issued[0].clone();
    let (other_pem, _, other_shard) = issued
        .iter()
        .find(|(_, _, s)| *s != revoked_shard)
        .cloned()
        .expect("two shards used in 12 certificates");
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &revoked,
        "--reason",
        "affiliation-changed",
    ]);

    let lines = generate(env, &["--issuer", "shard-ca"]);
    assert_eq!(lines.len(), 2 * SHARDS as usize, "{lines:?}");
    let mut crls = Vec::new();
    for shard in 0..SHARDS {
        let crl = save_crl(env, "shard-ca", shard, false);
        save_crl(env, "shard-ca", shard, true);
        let text = crl_text(env, &crl);
        assert_eq!(
            entry(&text, &revoked).is_some(),
            shard == revoked_shard,
            "{revoked} (shard {revoked_shard}) in the CRL of shard {shard}:\n{text}"
        );
        let idp = uris(&text, "X509v3 Issuing Distribution Point");
        assert!(
            idp.len() == 1 && idp[0].ends_with(&format!("/crl/shard-ca/{shard}.crl")),
            "{idp:?}"
        );
        let freshest = uris(&text, "X509v3 Freshest CRL");
        assert!(freshest[0].ends_with(&format!("/crl/shard-ca/{shard}-delta.crl")));
        crls.push(crl);
    }
    let own = &crls[revoked_shard as usize];
    let others = &crls[other_shard as usize];
    assert_revoked(env, &revoked_pem, &["shard-ca"], &[own], &["-crl_check"]);
    assert_good(env, &other_pem, &["shard-ca"], &[others], &["-crl_check"]);
    // Another shard's CRL is out of scope for a certificate: not OK.
    let (ok, text) = verify_with_crls(env, &other_pem, &["shard-ca"], &[own], &["-crl_check"]);
    assert!(
        !ok,
        "another shard's CRL must not vouch for a certificate: {text}"
    );

    let line = env.fail_unchanged(&["crl", "show", "--issuer", "shard-ca", "--shard", "4"]);
    assert_mentions(&line, &["shard"]);
    assert_audit_ok(env);
});

both_databases!(bad_crl_requests_change_nothing, |env| {
    let line = env.fail(&["crl", "generate"]);
    assert_mentions(&line, &["init"]);
    env.init_and_export();
    let line = env.fail_unchanged(&["crl", "show", "--issuer", GOV_CA]);
    assert_mentions(&line, &["generate"]);
    let line = env.fail_unchanged(&["crl", "generate", "--issuer", "nope"]);
    assert_mentions(&line, &["nope"]);
    let line = env.fail_unchanged(&["crl", "show", "--issuer", "nope"]);
    assert_mentions(&line, &["nope"]);
    let line = env.fail_unchanged(&["crl", "generate", "--full-validity-hours", "0"]);
    assert_mentions(&line, &["hour"]);

    generate(env, &[]);
    let line = env.fail_unchanged(&["crl", "show", "--issuer", GOV_CA, "--shard", "1"]);
    assert_mentions(&line, &["shard"]);
    let line = env.fail_unchanged(&["crl", "show", "--issuer", GOV_CA, "--number", "999"]);
    assert_mentions(&line, &["999"]);
    for shards in ["0", "100000"] {
        let line = env.fail_unchanged(&[
            "ca",
            "create-sub",
            "--parent",
            ROOT,
            "--id",
            "too-many",
            "--name",
            "X",
            "--crl-shards",
            shards,
        ]);
        assert_mentions(&line, &["shard"]);
    }
    let line = env.fail_unchanged(&[
        "ca",
        "create-sub",
        "--parent",
        ROOT,
        "--id",
        "x-delta",
        "--name",
        "X",
    ]);
    assert_mentions(&line, &["delta"]);

    // An external sub-CA awaiting its certificate gets no CRL.
    env.ok(&[
        "ca",
        "create-sub",
        "--external",
        "--id",
        "ext",
        "--name",
        "Ext",
    ]);
    let lines = generate(env, &[]);
    assert!(!lines.iter().any(|l| l.starts_with("ext\t")), "{lines:?}");
    let line = env.fail_unchanged(&["crl", "generate", "--issuer", "ext"]);
    assert_mentions(&line, &["awaiting"]);
    assert_audit_ok(env);
});
