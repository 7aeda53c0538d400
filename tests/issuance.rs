//! New issuance (cấp mới): subscribers, their certificates as openssl sees
//! them (chain, subject encoding, profile extensions, serials, validity).

#[macro_use]
mod common;

use common::*;

const DEFAULT_URL: &str = "http://127.0.0.1:8080";
const EMAIL: &str = "an.nv@cantho.gov.vn";

both_databases!(individual_p256, |env| {
    env.init_and_export();
    let id = env.add_individual();
    let csr = env.csr_p256("an");
    let (leaf, serial) = env.issue(&id, &csr, "an", &[]);

    let subject = env.subject_lines(&leaf);
    for expected in [
        "C=VN",
        "ST=Cần Thơ",
        "OU=Sở Khoa học và Công nghệ",
        "CN=Nguyễn Văn An",
    ] {
        assert!(
            subject.iter().any(|l| l == expected),
            "{expected} missing from {subject:?}"
        );
    }
    assert!(
        subject
            .iter()
            .any(|l| l == "UID=CCCD:001089031733" || l == "userId=CCCD:001089031733"),
        "UID missing from {subject:?}"
    );
    assert!(
        !subject.iter().any(|l| l.contains("ignored")),
        "the CSR's subject must be ignored: {subject:?}"
    );
    check_string_types(env, &leaf);
    check_leaf_extensions(env, &leaf, false, DEFAULT_URL, GOV_CA);
    let text = env.cert_text(&leaf);
    assert_eq!(
        extension_value(&text, "X509v3 Subject Alternative Name").as_deref(),
        Some(format!("email:{EMAIL}").as_str())
    );
    assert_eq!(
        env.pubkey_of_cert(&leaf),
        env.pubkey_of_key(&env.key_path("an")),
        "the CSR's key"
    );

    let seconds = env.validity_seconds(&leaf);
    assert!(
        seconds <= (5 * 365 + 2) * DAY,
        "valid {} days, more than 5 years",
        seconds / DAY
    );
    assert!(
        seconds >= 30 * DAY,
        "suspiciously short validity: {} days",
        seconds / DAY
    );
    let (not_before, _) = env.validity(&leaf);
    let (_, gov_not_after) = env.validity(&env.path("gov-ca.pem"));
    assert!(not_before <= gov_not_after);

    let printed = check_serial(env, &leaf);
    assert_eq!(printed.to_lowercase(), serial);
    assert_eq!(
        status_word(&env.show(&printed)),
        "good",
        "uppercase serial, as openssl prints it"
    );
    let show = env.show(&serial);
    assert_eq!(status_word(&show), "good");
    assert!(
        show.contains(&serial),
        "cert show prints the lowercase serial:\n{show}"
    );
    let colons = hex::decode(&serial)
        .unwrap()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    assert_eq!(status_word(&env.show(&colons)), "good", "colon form");
    assert_eq!(
        status_word(&env.show(&format!("0000{serial}"))),
        "good",
        "leading zeros"
    );

    // --days is honoured and bounded.
    let csr2 = env.csr_p256("an2");
    let (short, _) = env.issue(&id, &csr2, "short", &["--days", "30"]);
    assert_eq!(env.validity_seconds(&short), 30 * DAY);
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "individual",
        "--csr",
        &env.p("an2.csr"),
        "--days",
        "4000",
    ]);
    assert_mentions(&line, &["4000", "days"]);
});

both_databases!(individual_rsa2048, |env| {
    env.init_and_export();
    let id = env.add_individual();
    env.csr_rsa2048("rsa");
    let csr = env.csr_for_key(
        "rsa",
        "rsa-evil",
        "/C=US/O=Evil Corp/CN=Somebody Else/emailAddress=x@evil.example",
    );
    let (leaf, serial) = env.issue(&id, &csr, "rsa", &[]);
    check_leaf_extensions(env, &leaf, true, DEFAULT_URL, GOV_CA);
    check_serial(env, &leaf);
    let subject = env.subject_lines(&leaf);
    assert!(
        subject.iter().any(|l| l == "CN=Nguyễn Văn An"),
        "{subject:?}"
    );
    assert!(subject.iter().any(|l| l == "C=VN"), "{subject:?}");
    let joined = subject.join("\n");
    assert!(
        !joined.contains("Evil") && !joined.contains("Somebody") && !joined.contains("US"),
        "CSR subject leaked: {joined}"
    );
    let san = extension_value(&env.cert_text(&leaf), "X509v3 Subject Alternative Name")
        .unwrap_or_default();
    assert_eq!(
        san,
        format!("email:{EMAIL}"),
        "the e-mail comes from the registry"
    );
    assert_eq!(
        env.pubkey_of_cert(&leaf),
        env.pubkey_of_key(&env.key_path("rsa"))
    );
    assert_eq!(status_word(&env.show(&serial)), "good");
});

both_databases!(organization_certificate, |env| {
    env.init_and_export();
    let out = env.ok(&[
        "subscriber",
        "add",
        "--kind",
        "organization",
        "--name",
        "Sở Khoa học và Công nghệ thành phố Cần Thơ",
        "--tax-code",
        "MST:6300123456",
        "--province",
        "Cần Thơ",
    ]);
    let id = subscriber_id(&out);
    let csr = env.csr_p256("org");
    let pem = env.ok(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "organization",
        "--csr",
        &csr.display().to_string(),
    ]);
    let (leaf, serial) = env.save_leaf("org", &pem);
    let subject = env.subject_lines(&leaf);
    assert!(
        subject
            .iter()
            .any(|l| l == "CN=Sở Khoa học và Công nghệ thành phố Cần Thơ"),
        "{subject:?}"
    );
    assert!(
        subject
            .iter()
            .any(|l| l == "UID=MST:6300123456" || l == "userId=MST:6300123456"),
        "{subject:?}"
    );
    assert!(subject.iter().any(|l| l == "ST=Cần Thơ"), "{subject:?}");
    check_string_types(env, &leaf);
    check_leaf_extensions(env, &leaf, false, DEFAULT_URL, GOV_CA);
    let show = env.show(&serial);
    assert_eq!(status_word(&show), "good");
    assert!(
        show.contains("organization"),
        "cert show names the profile:\n{show}"
    );
});

both_databases!(former_province_maps_to_current, |env| {
    env.init_and_export();
    let out = env.run(&[
        "subscriber",
        "add",
        "--kind",
        "individual",
        "--name",
        "Trần Thị Bình",
        "--national-id",
        "CCCD:093190000123",
        "--province",
        "Hậu Giang",
        "--unit",
        "Sở Nội vụ",
    ]);
    let stdout = expect_success("subscriber add (Hậu Giang)", &out);
    let id = subscriber_id(&stdout);
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("Hậu Giang") && note.contains("Cần Thơ"),
        "a note on stderr must say Hậu Giang is now Cần Thơ: {note:?}"
    );
    let csr = env.csr_p256("binh");
    let (leaf, _) = env.issue(&id, &csr, "binh", &[]);
    let subject = env.subject_lines(&leaf);
    assert!(subject.iter().any(|l| l == "ST=Cần Thơ"), "{subject:?}");
    assert!(
        !subject.iter().any(|l| l.contains("Hậu Giang")),
        "{subject:?}"
    );
    assert!(
        subject.iter().any(|l| l == "CN=Trần Thị Bình"),
        "{subject:?}"
    );

    // A current name gives no note.
    let out = env.run(&[
        "subscriber",
        "add",
        "--kind",
        "individual",
        "--name",
        "Lê Văn Cường",
        "--national-id",
        "CMND:123456789",
        "--province",
        "Cần Thơ",
    ]);
    assert!(out.status.success());
    subscriber_id(&String::from_utf8_lossy(&out.stdout));
});

both_databases!(public_url_kept_from_init, |env| {
    env.ok(&["init", "--demo", "--public-url", "https://ca.example.vn"]);
    env.export(ROOT);
    let gov = env.export(GOV_CA);
    let gov_text = env.cert_text(&gov);
    assert!(
        gov_text.contains("URI:https://ca.example.vn/crl/root.crl"),
        "gov-ca's CDP:\n{gov_text}"
    );
    assert!(!gov_text.contains("127.0.0.1"), "{gov_text}");
    let id = env.add_individual();
    let csr = env.csr_p256("an");
    // Later commands do not repeat --public-url: the database keeps it.
    let (leaf, _) = env.issue(&id, &csr, "an", &[]);
    check_leaf_extensions(env, &leaf, false, "https://ca.example.vn", GOV_CA);
    assert!(!env.cert_text(&leaf).contains("127.0.0.1"));
});
