//! The authorization matrix of docs/authorization.md walked against the
//! API: every role × action × (own province, other province), on both
//! databases. Allowed: a 2xx; refused: 403 `forbidden` and nothing changed
//! — or, for an officer's or approver's request about another province's
//! object, 404 `not_found`, as if it did not exist.

#[macro_use]
mod common;
mod portal;

use common::*;
use portal::*;
use serde_json::json;

const CT: &str = "Cần Thơ";
const HN: &str = "Hà Nội";

/// The actions, in the order of the expectation rows.
const ACTIONS: [&str; 5] = ["read", "register", "submit", "decide", "audit"];

/// (account, expectations in Cần Thơ, expectations in Hà Nội), written out
/// from docs/authorization.md rather than computed by the code under test.
/// The audit log covers every province: "audit" is the same in both.
const MATRIX: [(&str, [bool; 5], [bool; 5]); 6] = [
    (
        "admin",
        [true, true, true, true, true],
        [true, true, true, true, true],
    ),
    (
        "officer",
        [true, true, true, false, false],
        [false, false, false, false, false],
    ),
    (
        "approver",
        [true, false, false, true, false],
        [false, false, false, false, false],
    ),
    (
        "kiemtoan",
        [true, false, false, false, true],
        [true, false, false, false, true],
    ),
    (
        "cb.hanoi",
        [false, false, false, false, false],
        [true, true, true, false, false],
    ),
    (
        "ld.hanoi",
        [false, false, false, false, false],
        [true, false, false, true, false],
    ),
];

both_databases!(matrix_walked_against_the_api, |env| {
    let (server, signed) = start(env);
    let mut tokens: Vec<(String, String)> = signed
        .iter()
        .map(|(a, t)| (a.username.clone(), t.clone()))
        .collect();
    for args in [
        &["--username", "kiemtoan", "--role", "auditor"][..],
        &[
            "--username",
            "cb.hanoi",
            "--role",
            "ra_officer",
            "--province",
            HN,
        ][..],
        &[
            "--username",
            "ld.hanoi",
            "--role",
            "ra_approver",
            "--province",
            HN,
        ][..],
    ] {
        let mut a = user_add(env, args);
        let t = sign_in(&server, &mut a);
        tokens.push((a.username.clone(), t));
    }
    let token = |name: &str| {
        tokens
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("no token for {name}"))
    };
    let sub_ct = add_subscriber(
        &server,
        &token("officer"),
        "Nguyễn Văn An",
        "CCCD:001089031733",
        CT,
    );
    let sub_hn = add_subscriber(
        &server,
        &token("cb.hanoi"),
        "Trần Văn Bình",
        "CCCD:001089031734",
        HN,
    );
    let csr = std::fs::read_to_string(env.csr_p256("m")).expect("csr");
    let mut serial_no = 0;

    for (user, in_ct, in_hn) in MATRIX {
        let t = token(user);
        for (province, expected) in [(CT, in_ct), (HN, in_hn)] {
            let (sub, local_officer) = if province == CT {
                (sub_ct, token("officer"))
            } else {
                (sub_hn, token("cb.hanoi"))
            };
            for (action, allowed) in ACTIONS.iter().zip(expected) {
                // A request of the province by its own officer, for decide.
                let pending = (*action == "decide").then(|| {
                    submit_ok(
                        &server,
                        &local_officer,
                        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr }),
                    )
                });
                serial_no += 1;
                let before = (
                    env.snapshot(),
                    env.count("requests"),
                    env.query_strings("SELECT state AS s FROM requests ORDER BY id"),
                );
                let reply = match *action {
                    "read" => api(
                        &server,
                        "GET",
                        &format!("/api/v1/subscribers/{sub}"),
                        Some(&t),
                        None,
                    ),
                    "register" => api(
                        &server,
                        "POST",
                        "/api/v1/tokens",
                        Some(&t),
                        Some(&json!({
                            "serial": format!("MX-{serial_no}"), "subscriber_id": sub,
                        })),
                    ),
                    "submit" => submit(
                        &server,
                        &t,
                        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr }),
                    ),
                    "audit" => api(&server, "GET", "/api/v1/audit?per_page=5", Some(&t), None),
                    _ => api(
                        &server,
                        "POST",
                        &format!("/api/v1/requests/{}/reject", pending.unwrap_or_default()),
                        Some(&t),
                        Some(&json!({ "comment": "Kiểm tra ma trận phân quyền" })),
                    ),
                };
                let what = format!("{user} {action} in {province}");
                if allowed {
                    assert!(
                        (200..300).contains(&reply.status),
                        "{what} must be allowed: {} {}",
                        reply.status,
                        reply.body
                    );
                } else {
                    let own = match user {
                        "officer" | "approver" => Some(CT),
                        "cb.hanoi" | "ld.hanoi" => Some(HN),
                        _ => None,
                    };
                    let hidden = *action != "audit" && own.is_some_and(|p| p != province);
                    let (status, code) = if hidden {
                        (404, "not_found")
                    } else {
                        (403, "forbidden")
                    };
                    assert_eq!(
                        reply.status, status,
                        "{what} must be refused: {}",
                        reply.body
                    );
                    assert_eq!(reply.code(), code, "{what}");
                    let after = (
                        env.snapshot(),
                        env.count("requests"),
                        env.query_strings("SELECT state AS s FROM requests ORDER BY id"),
                    );
                    assert_eq!(before, after, "{what} was refused but changed the database");
                }
            }
        }
    }
    assert_audit_ok(env);
});
