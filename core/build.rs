fn main() {
    // New migration files are embedded by `sqlx::migrate!`: rebuild when they change.
    println!("cargo:rerun-if-changed=../migrations");
}
