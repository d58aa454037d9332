//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds the directory,
//! and cargo does not otherwise watch files outside the crate.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
