//! The migrations are embedded by `diesel_migrations::embed_migrations!`,
//! which cargo does not know to watch: a migration added or changed must
//! rebuild ca-core, or a development build runs without it.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
