//! Diesel table definitions, shared by both backends. Every type here must
//! exist with the same meaning in `migrations/sqlite` and `migrations/postgres`.

diesel::table! {
    settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    issuers (id) {
        id -> Text,
        parent_id -> Nullable<Text>,
        subject_dn -> Text,
        status -> Text,
        key_spec -> Text,
        key_backend -> Text,
        key_ref -> Text,
        spki_der -> Binary,
        cert_der -> Nullable<Binary>,
        csr_der -> Nullable<Binary>,
        allow_suspend -> Bool,
        not_before -> Nullable<Timestamp>,
        not_after -> Nullable<Timestamp>,
        created_at -> Timestamp,
        crl_shards -> Integer,
        crl_number -> BigInt,
        signature_algorithm -> Text,
    }
}

diesel::table! {
    units (id) {
        id -> BigInt,
        name -> Text,
        parent_agency -> Nullable<Text>,
        province -> Text,
        tax_code -> Nullable<Text>,
        created_at -> Timestamp,
        parent_id -> Nullable<BigInt>,
        agency_code -> Nullable<Text>,
    }
}

diesel::table! {
    subscribers (id) {
        id -> BigInt,
        kind -> Text,
        full_name -> Text,
        uid -> Nullable<Text>,
        title -> Nullable<Text>,
        unit_id -> Nullable<BigInt>,
        organization -> Nullable<Text>,
        locality -> Nullable<Text>,
        province -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        search_key -> Nullable<Text>,
    }
}

diesel::table! {
    tokens (id) {
        id -> BigInt,
        serial -> Text,
        model -> Nullable<Text>,
        subscriber_id -> Nullable<BigInt>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    certificates (id) {
        id -> BigInt,
        issuer_id -> Text,
        serial -> Text,
        subscriber_id -> Nullable<BigInt>,
        token_id -> Nullable<BigInt>,
        profile -> Text,
        operation -> Text,
        request_json -> Text,
        replaces_id -> Nullable<BigInt>,
        status -> Text,
        subject_dn -> Text,
        spki_sha256 -> Text,
        tbs_der -> Binary,
        cert_der -> Nullable<Binary>,
        not_before -> Timestamp,
        not_after -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revocation_reason -> Nullable<Text>,
        invalidity_date -> Nullable<Timestamp>,
        created_at -> Timestamp,
        issued_at -> Nullable<Timestamp>,
        status_changed_at -> Timestamp,
    }
}

diesel::table! {
    blocked_keys (spki_sha256) {
        spki_sha256 -> Text,
        reason -> Text,
        certificate_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        object -> Text,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::joinable!(certificates -> issuers (issuer_id));
diesel::joinable!(certificates -> subscribers (subscriber_id));
diesel::joinable!(subscribers -> units (unit_id));
diesel::joinable!(tokens -> subscribers (subscriber_id));

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    issuers,
    units,
    subscribers,
    tokens,
    certificates,
    blocked_keys,
    audit_head,
    audit_events,
);

diesel::table! {
    ocsp_signers (issuer_id) {
        issuer_id -> Text,
        key_spec -> Text,
        key_backend -> Text,
        key_ref -> Text,
        spki_der -> Binary,
        cert_der -> Binary,
        not_after -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::joinable!(ocsp_signers -> issuers (issuer_id));
diesel::allow_tables_to_appear_in_same_query!(ocsp_signers, issuers);

diesel::table! {
    ocsp_responses (issuer_id, serial, hash_alg) {
        issuer_id -> Text,
        serial -> Text,
        hash_alg -> Text,
        status -> Text,
        der -> Binary,
        this_update -> Timestamp,
        next_update -> Timestamp,
    }
}

diesel::joinable!(ocsp_responses -> issuers (issuer_id));
diesel::allow_tables_to_appear_in_same_query!(ocsp_responses, issuers);
diesel::allow_tables_to_appear_in_same_query!(ocsp_responses, certificates);

diesel::table! {
    crls (issuer_id, number) {
        issuer_id -> Text,
        number -> BigInt,
        shard -> Integer,
        delta -> Bool,
        base_number -> Nullable<BigInt>,
        this_update -> Timestamp,
        next_update -> Timestamp,
        der -> Binary,
        entries -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(crls -> issuers (issuer_id));
diesel::allow_tables_to_appear_in_same_query!(crls, issuers);
diesel::allow_tables_to_appear_in_same_query!(crls, certificates);
