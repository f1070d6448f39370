//! Cost of one quote verification relative to the bare P-256 verifies it
//! contains (quote, QE report, PCK leaf, PCK CA, root self-signature = 5).
//! Run: `cargo test -p cmcp-tdx --release --test perf -- --ignored --nocapture`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;
use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_tdx::parse::TdQuote;
use cmcp_tdx::{TdxPolicy, TdxVerifier};
use p256::ecdsa::signature::Verifier as _;
use std::time::Instant;

#[test]
#[ignore = "timing; run in release"]
fn quote_verification_vs_bare_p256() {
    let Some(raw) = common::read(common::GCP_QUOTE) else {
        return;
    };
    let q = TdQuote::parse(&raw).unwrap();
    let nonce = q.body.report_data;
    let trust = TrustInputs {
        builtin_roots: true,
        ..Default::default()
    };
    let ctx = VerifyContext {
        now: Timestamp::parse_rfc3339("2026-08-01T00:00:00Z").unwrap(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let input = EvidenceInput {
        platform: "intel-tdx",
        nonce: Some(&nonce),
        raw_evidence: Some(&raw),
        ..Default::default()
    };
    let v = TdxVerifier::new(TdxPolicy::default().require_collateral(false));
    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        let mut l = Ledger::new();
        v.verify(&input, &ctx, &mut l);
        assert_eq!(
            l.outcome_of("hardware_attestation"),
            Some(Outcome::Verified)
        );
    }
    let per_quote = t.elapsed().as_secs_f64() / f64::from(n);
    let mut sec1 = vec![4u8];
    sec1.extend_from_slice(&q.attestation_key);
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).unwrap();
    let sig = p256::ecdsa::Signature::from_slice(&q.signature).unwrap();
    let t = Instant::now();
    for _ in 0..n * 5 {
        key.verify(&q.signed_region, &sig).unwrap();
    }
    let per_verify = t.elapsed().as_secs_f64() / f64::from(n * 5);
    println!(
        "quote verification {:.1} us, bare P-256 verify {:.1} us, ratio to 5 verifies {:.2}",
        per_quote * 1e6,
        per_verify * 1e6,
        per_quote / (5.0 * per_verify)
    );
}
