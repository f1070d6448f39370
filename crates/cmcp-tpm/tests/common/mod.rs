#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use std::path::{Path, PathBuf};

pub const VECTORS: [&str; 4] = [
    "rsassa-sha256",
    "rsapss-sha256",
    "rsassa-sha384",
    "ecdsa-sha384",
];
pub const NONCE_HEX: &str = "d002295c049b0ab1ce4f5f3a84ea0ff3934d729edae52b983a2334b1fe9dfbdd";

pub fn sim_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join("hardware/ms-tpm-20-ref-v183");
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!("skipped: fixture folder absent ({})", d.display());
        None
    }
}

pub struct Vector {
    pub name: &'static str,
    pub attest: Vec<u8>,
    pub sig: Vec<u8>,
    pub chain: Vec<u8>,
    pub root: Vec<u8>,
    pub nonce: Vec<u8>,
}

pub fn load(name: &'static str) -> Option<Vector> {
    let d = sim_dir()?;
    let rd = |f: String| std::fs::read(d.join(f)).unwrap();
    let nonce_hex = String::from_utf8(rd("nonce.hex".into())).unwrap();
    Some(Vector {
        name,
        attest: rd(format!("{name}-attest.bin")),
        sig: rd(format!("{name}-tpmt-signature.bin")),
        chain: rd(format!("{name}-ak-chain.pem")),
        root: rd(format!("{name}-root.pem")),
        nonce: cmcp_json::encoding::hex_decode(nonce_hex.trim()).unwrap(),
    })
}

pub fn hex(b: &[u8]) -> String {
    cmcp_json::encoding::hex_encode(b)
}
