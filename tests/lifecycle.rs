//! Replacing a certificate: renew (gia hạn), change of information (thay
//! đổi nội dung) and re-issue (cấp lại).

#[macro_use]
mod common;

use common::*;

both_databases!(renew_same_key_extends_and_supersedes, |env| {
    let (_, old) = init_with_certificate(env, "an");
    let old_path = env.path("an.pem");
    let pem = env.ok(&["cert", "renew", "--serial", &old]);
    let (new_path, new) = env.save_leaf("renewed", &pem);
    assert_ne!(new, old, "a renewal has a new serial");
    assert_eq!(
        env.pubkey_of_cert(&new_path),
        env.pubkey_of_cert(&old_path),
        "same key without a CSR"
    );
    assert_eq!(
        env.subject_lines(&new_path),
        env.subject_lines(&old_path),
        "same subject"
    );
    // The renewed certificate is superseded by its renewal, which
    // extends it: it ends the renewal's days (3 years by default) after
    // the old one, never before.
    assert_reason(env, &old, "superseded");
    assert_eq!(status_word(&env.show(&new)), "good");
    let (_, old_end) = env.validity(&old_path);
    let (new_start, new_end) = env.validity(&new_path);
    assert_eq!(
        new_end - old_end,
        (3 * 365 + 1) * DAY,
        "a renewal ends its 3 years (1096 days) after the certificate it renews"
    );
    assert!(new_start < old_end, "the renewal starts at once");
    let replaces: Vec<String> = env.query_strings(&format!(
        "SELECT o.serial AS s FROM certificates n JOIN certificates o ON o.id = n.replaces_id WHERE n.serial = '{new}'"
    ));
    assert_eq!(replaces, vec![old], "the renewal names what it replaces");

    let line = env.fail_unchanged(&["cert", "renew", "--serial", &new, "--days", "2000"]);
    assert_mentions(&line, &["2000", "days"]);

    // Renewal with a new CSR takes the new key.
    let csr = env.csr_p256("an-next");
    let pem = env.ok(&[
        "cert",
        "renew",
        "--serial",
        &new,
        "--csr",
        &csr.display().to_string(),
    ]);
    let (next_path, _) = env.save_leaf("renewed2", &pem);
    assert_eq!(
        env.pubkey_of_cert(&next_path),
        env.pubkey_of_key(&env.key_path("an-next"))
    );
    assert_reason(env, &new, "superseded");
    let (_, next_end) = env.validity(&next_path);
    // Extended again, up to what the issuer's own certificate covers.
    assert!(
        next_end > new_end && next_end - new_end <= (3 * 365 + 1) * DAY,
        "{new_end} → {next_end}"
    );
    assert_audit_ok(env);
});

both_databases!(change_info_updates_subject_and_supersedes, |env| {
    let (_, old) = init_with_certificate(env, "an");
    let old_path = env.path("an.pem");
    let pem = env.ok(&[
        "cert",
        "change-info",
        "--serial",
        &old,
        "--title",
        "Phó Giám đốc",
    ]);
    let (new_path, new) = env.save_leaf("changed", &pem);
    let subject = env.subject_lines(&new_path);
    assert!(
        subject.iter().any(|l| l == "title=Phó Giám đốc"),
        "the new title: {subject:?}"
    );
    assert!(
        subject.iter().any(|l| l == "CN=Nguyễn Văn An"),
        "{subject:?}"
    );
    assert!(!env
        .subject_lines(&old_path)
        .iter()
        .any(|l| l.starts_with("title=")));
    check_string_types(env, &new_path);
    assert_eq!(
        env.pubkey_of_cert(&new_path),
        env.pubkey_of_cert(&old_path),
        "same key without a CSR"
    );
    assert_reason(env, &old, "superseded");
    assert_eq!(status_word(&env.show(&new)), "good");

    // A move to another unit, revoked as affiliationChanged: the unit is
    // one of the registry's (a colleague registered in it), a name the
    // registry does not hold is refused and changes nothing.
    let line = env.fail_unchanged(&[
        "cert",
        "change-info",
        "--serial",
        &new,
        "--unit",
        "Sở Tài chính",
    ]);
    assert_mentions(&line, &["not registered", "Cần Thơ"]);
    env.ok(&[
        "subscriber",
        "add",
        "--kind",
        "individual",
        "--name",
        "Trần Thị Bình",
        "--national-id",
        "CCCD:092190001234",
        "--province",
        "Cần Thơ",
        "--unit",
        "Sở Tài chính",
    ]);
    let pem = env.ok(&[
        "cert",
        "change-info",
        "--serial",
        &new,
        "--unit",
        "Sở Tài chính",
        "--reason",
        "affiliation-changed",
    ]);
    let (moved_path, moved) = env.save_leaf("moved", &pem);
    let subject = env.subject_lines(&moved_path);
    assert!(
        subject.iter().any(|l| l == "OU=Sở Tài chính"),
        "{subject:?}"
    );
    assert!(
        subject.iter().any(|l| l == "title=Phó Giám đốc"),
        "the title stays: {subject:?}"
    );
    assert_reason(env, &new, "affiliationchanged");
    assert_eq!(status_word(&env.show(&moved)), "good");
    assert_audit_ok(env);
});

both_databases!(reissue_on_new_key_revokes_old, |env| {
    let (_, old) = init_with_certificate(env, "an");
    let line = env.fail_unchanged(&["cert", "reissue", "--serial", &old]);
    assert_mentions(&line, &["csr"]);
    let line = env.fail_unchanged(&[
        "cert",
        "reissue",
        "--serial",
        &old,
        "--csr",
        &env.p("an.csr"),
    ]);
    assert_mentions(&line, &["key"]);

    let csr = env.csr_rsa2048("an-new");
    let pem = env.ok(&[
        "cert",
        "reissue",
        "--serial",
        &old,
        "--csr",
        &csr.display().to_string(),
    ]);
    let (new_path, new) = env.save_leaf("reissued", &pem);
    assert_eq!(
        env.pubkey_of_cert(&new_path),
        env.pubkey_of_key(&env.key_path("an-new"))
    );
    assert_eq!(
        env.subject_lines(&new_path),
        env.subject_lines(&env.path("an.pem"))
    );
    assert_reason(env, &old, "superseded");
    assert_eq!(status_word(&env.show(&new)), "good");

    // Re-issue after a compromise: the old key is refused from then on.
    let csr = env.csr_p256("an-third");
    env.ok(&[
        "cert",
        "reissue",
        "--serial",
        &new,
        "--csr",
        &csr.display().to_string(),
        "--reason",
        "key-compromise",
    ]);
    assert_reason(env, &new, "keycompromise");
    let again = env.csr_for_key("an-new", "an-new-again", "/CN=again");
    let id = env.add_person("Phạm Văn Dũng", "CCCD:001089031734");
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "individual",
        "--csr",
        &again.display().to_string(),
    ]);
    assert_mentions(&line, &["blocked", "compromise", "revoked"]);
    assert_audit_ok(env);
});
