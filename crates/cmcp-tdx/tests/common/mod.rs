//! Shared test helpers.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::path::{Path, PathBuf};

pub fn fixtures() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: fixture folder absent ({})", p.display());
        None
    }
}

pub fn read(rel: &str) -> Option<Vec<u8>> {
    let p = fixtures()?.join(rel);
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(_) => {
            eprintln!("skipped: fixture absent ({})", p.display());
            None
        }
    }
}

pub fn hex(b: &[u8]) -> String {
    cmcp_json::encoding::hex_encode(b)
}

pub const GCP_QUOTE: &str = "hardware/gcp-tdx-2026-07-21/tdx_quote.bin";
pub const GCP_QUOTE_MANIFEST: &str = "hardware/gcp-tdx-2026-07-21/tdx_quote_manifest.bin";
pub const QVL_QUOTE: &str = "hardware/dcap-qvl-samples/tdx_quote";
pub const QVL_OUTDATED: &str = "hardware/dcap-qvl-samples/tdx_quote_outdated";
pub const QVL_COLLATERAL: &str = "hardware/dcap-qvl-samples/tdx_quote_collateral.json";
pub const QVL_OUTDATED_COLLATERAL: &str =
    "hardware/dcap-qvl-samples/tdx_quote_outdated_collateral.json";
pub mod synth;
