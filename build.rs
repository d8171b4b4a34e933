//! Rebuild when the bundled handbook changes: `orr init` embeds `content/`.
fn main() {
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=build.rs");
}
