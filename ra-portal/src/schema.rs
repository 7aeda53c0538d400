//! Diesel definitions of the portal's own tables (migrations
//! `2026-11-25-000005_portal`, `2026-11-25-000006_bulk_jobs`, `…000007_registry`,
//! `…000008_client_certificates`, `2026-12-07-000015_sign_in_failures`,
//! `2026-12-08-000050_accounts_emergencies` and `2026-12-08-000060_batches`,
//! both backends). The CA's tables stay in
//! ca-core (private to it); nothing in ca-core reads these.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        province -> Nullable<Text>,
        department -> Nullable<Text>,
        totp_secret -> Nullable<Text>,
        must_change_password -> Bool,
        created_at -> Timestamp,
        disabled -> Bool,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    api_tokens (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        certificate_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_id -> BigInt,
        csrf -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        certificate_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    user_certificates (certificate_id) {
        certificate_id -> BigInt,
        user_id -> BigInt,
        bound_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_failures (key) {
        key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    requests (id) {
        id -> BigInt,
        kind -> Text,
        state -> Text,
        province -> Text,
        subscriber_id -> Nullable<BigInt>,
        token_id -> Nullable<BigInt>,
        certificate_id -> Nullable<BigInt>,
        payload -> Text,
        submitted_by -> BigInt,
        submitted_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        comment -> Nullable<Text>,
        result_certificate_id -> Nullable<BigInt>,
        error -> Nullable<Text>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bulk_jobs (request_id) {
        request_id -> BigInt,
        action -> Text,
        unit_id -> BigInt,
        target_unit_id -> BigInt,
        unit_name -> Text,
        skipped_suspended -> BigInt,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bulk_items (id) {
        id -> BigInt,
        request_id -> BigInt,
        certificate_id -> BigInt,
        state -> Text,
        new_certificate_id -> Nullable<BigInt>,
        error -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    emergency_actions (id) {
        id -> BigInt,
        action -> Text,
        token_serial -> Text,
        province -> Text,
        revoked -> Text,
        performed_by -> BigInt,
        performed_at -> Timestamp,
        acknowledged_by -> Nullable<BigInt>,
        acknowledged_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    batches (id) {
        id -> BigInt,
        province -> Text,
        unit_id -> BigInt,
        state -> Text,
        submitted_by -> BigInt,
        submitted_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        comment -> Nullable<Text>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    batch_requests (request_id) {
        request_id -> BigInt,
        batch_id -> BigInt,
        position -> Integer,
        file_name -> Text,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(user_certificates -> users (user_id));
diesel::joinable!(bulk_items -> bulk_jobs (request_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    api_tokens,
    sessions,
    user_certificates,
    requests,
    bulk_jobs,
    bulk_items,
    sign_in_failures,
    emergency_actions,
    batches,
    batch_requests
);
