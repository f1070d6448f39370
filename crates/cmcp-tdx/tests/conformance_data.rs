//! Synthetic TD quotes for the conformance vectors (`CV-TDX-*`, built by
//! `cargo xtask gen-vectors` from `tests/data/conformance/`).
//!
//! Made here from our own test PCK chain (P-256 keys from fixed scalars;
//! nothing is an Intel key), with the quote builder of `tests/synthetic.rs`.
//! Byte-stable: ECDSA signing is deterministic (RFC 6979). This test fails
//! when a committed file differs from what it builds;
//! `CMCP_REGEN_TEST_DATA=1 cargo test -p cmcp-tdx --test conformance_data`
//! rewrites them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    dead_code,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

mod common;
use common::synth::*;

use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_tdx::appraise::TdxPolicy;
use cmcp_tdx::parse::TdAttributes;
use cmcp_tdx::{TdxVerifier, measurement_of};
use p256::ecdsa::SigningKey;

/// The claim nonce of the xtask hardware-claim session
/// (`xtask/src/generate.rs`, `hwkit::claim_nonce`).
const CLAIM_NONCE: &str = "bda24fb5e7febcf9c6008584d7daa530f0d8586684477cde78933fdebd563bb15685b09795564d6341f55933982b8d1a8c46067d533d8df88828c979d2993b83";

fn quote(p: &Pki, version: u16, attrs: u64, report_data: [u8; 64], chain: &[&[u8]]) -> Vec<u8> {
    let mut pem_chain = String::new();
    for c in chain {
        pem_chain.push_str(&pem(c));
    }
    build(
        p,
        &Spec {
            version,
            attrs,
            mrtd: [0x5a; 48],
            report_data,
            pck_pem: pem_chain.into_bytes(),
        },
    )
}

fn outputs() -> Vec<(&'static str, Vec<u8>)> {
    let p = pki();
    let cn: [u8; 64] = cmcp_json::encoding::hex_decode(CLAIM_NONCE)
        .unwrap()
        .try_into()
        .unwrap();
    let rd = [0xc3u8; 64];
    let sept = TdAttributes::SEPT_VE_DISABLE;
    let full: &[&[u8]] = &[&p.leaf_der, &p.root_der];
    let root_key = SigningKey::from_slice(&[0x11; 32]).unwrap();
    let strict_root = cert(
        "Test SGX Root CA",
        "Test SGX Root CA",
        &root_key,
        &root_key,
        Some(0),
        1,
    );
    let other_key = SigningKey::from_slice(&[0x44; 32]).unwrap();
    let other_root = cert(
        "Test SGX Root CA",
        "Test SGX Root CA",
        &other_key,
        &other_key,
        Some(1),
        1,
    );
    vec![
        ("root.pem", pem(&p.root_der).into_bytes()),
        ("root_strict.pem", pem(&strict_root).into_bytes()),
        ("root_other.pem", pem(&other_root).into_bytes()),
        // MRTD [0x5a; 48], REPORTDATA [0xc3; 64], SEPT_VE_DISABLE.
        ("tdx_v4.bin", quote(&p, 4, sept, rd, full)),
        ("tdx_v5.bin", quote(&p, 5, sept, rd, full)),
        (
            "tdx_v4_leaf_only.bin",
            quote(&p, 4, sept, rd, &[&p.leaf_der]),
        ),
        (
            "tdx_v4_doubled_root.bin",
            quote(&p, 4, sept, rd, &[&p.leaf_der, &strict_root, &strict_root]),
        ),
        (
            "tdx_v4_debug.bin",
            quote(&p, 4, sept | TdAttributes::DEBUG, rd, full),
        ),
        (
            "tdx_v5_debug.bin",
            quote(&p, 5, sept | TdAttributes::DEBUG, rd, full),
        ),
        ("tdx_v4_no_sept.bin", quote(&p, 4, 0, rd, full)),
        (
            "tdx_v4_reserved_attr.bin",
            quote(&p, 4, sept | (1 << 33), rd, full),
        ),
        ("tdx_v4_claim.bin", quote(&p, 4, sept, cn, full)),
        (
            "tdx_v4_claim_debug.bin",
            quote(&p, 4, sept | TdAttributes::DEBUG, cn, full),
        ),
    ]
}

#[test]
fn conformance_data_is_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance");
    let stale = cmcp_testkit::stale_test_data(&dir, outputs());
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; rerun with CMCP_REGEN_TEST_DATA=1"
    );
}

#[test]
fn base_quote_verifies() {
    let p = pki();
    let raw = quote(
        &p,
        4,
        TdAttributes::SEPT_VE_DISABLE,
        [0xc3; 64],
        &[&p.leaf_der, &p.root_der],
    );
    let trust = TrustInputs {
        intel_root: vec![p.root_der.clone()],
        ..Default::default()
    };
    let ctx = VerifyContext {
        now: Timestamp::parse_rfc3339("2026-08-01T00:00:00Z").unwrap(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let m = measurement_of(&[0x5a; 48]);
    let input = EvidenceInput {
        platform: "intel-tdx",
        claimed_measurement: Some(&m),
        nonce: Some(&[0xc3; 64]),
        raw_evidence: Some(&raw),
        ..Default::default()
    };
    let mut l = Ledger::new();
    TdxVerifier::new(TdxPolicy::default().require_collateral(false)).verify(&input, &ctx, &mut l);
    assert_eq!(
        l.outcome_of("hardware_attestation"),
        Some(Outcome::Verified)
    );
}
