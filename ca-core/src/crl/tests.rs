use super::*;
use crate::serial::Serial;

fn serial(hex: &str) -> Serial {
    hex.parse().unwrap()
}

#[test]
fn shard_is_the_serial_modulo_the_count() {
    assert_eq!(shard_of(&serial("01"), 1), 0);
    assert_eq!(shard_of(&serial("0a"), 4), 2);
    assert_eq!(shard_of(&serial("0100"), 3), 256 % 3);
    let s = serial("7f112233445566778899aabbccddeeff");
    let n = u128::from_str_radix("7f112233445566778899aabbccddeeff", 16).unwrap();
    for shards in [2u32, 7, 16, 255, 256] {
        assert_eq!(u128::from(shard_of(&s, shards)), n % u128::from(shards));
    }
}

#[test]
fn names_and_urls() {
    let one = CrlName::new("gov-ca", 0, 1, false);
    assert_eq!(one.path(), "gov-ca.crl");
    assert_eq!(one.with_delta(true).path(), "gov-ca-delta.crl");
    assert_eq!(
        one.url("http://pki.example/"),
        "http://pki.example/crl/gov-ca.crl"
    );
    let sharded = CrlName::new("sub", 3, 4, true);
    assert_eq!(sharded.path(), "sub/3-delta.crl");
    assert_eq!(sharded.with_delta(false).path(), "sub/3.crl");
    for name in [one, sharded] {
        assert_eq!(CrlName::parse(&name.path()), Some(name.clone()));
        assert_eq!(CrlName::parse(&format!("/crl/{}", name.path())), Some(name));
    }
    for bad in [
        "gov-ca",
        "gov-ca.crt",
        "gov-ca/x.crl",
        "gov-ca/01.crl",
        "gov-ca/.crl",
        "Gov.crl",
        "../x.crl",
        ".crl",
        "a/b/1.crl",
    ] {
        assert_eq!(CrlName::parse(bad), None, "{bad}");
    }
}

#[test]
fn shard_counts() {
    assert!(check_shard_count(1).is_ok());
    assert!(check_shard_count(MAX_CRL_SHARDS).is_ok());
    assert!(check_shard_count(0).is_err());
    assert!(check_shard_count(MAX_CRL_SHARDS + 1).is_err());
}
