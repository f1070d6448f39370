//! One real GCP TDX quote through `TdxVerifier` (quote signature, QE report
//! binding and signature, PCK chain to the builtin Intel root, appraisal),
//! against the five bare P-256 ECDSA verifies it contains (quote, QE report,
//! PCK leaf, PCK platform CA, root self-signature). Compare the two medians:
//! `tdx_verify_quote` / (5 × `p256_verify`). Skips when the fixture folder
//! is absent.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_tdx::parse::TdQuote;
use cmcp_tdx::{TdxPolicy, TdxVerifier};
use criterion::{Criterion, criterion_group, criterion_main};
use p256::ecdsa::signature::Verifier as _;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/hardware/gcp-tdx-2026-07-21/tdx_quote.bin");
    let Ok(raw) = std::fs::read(&p) else {
        eprintln!("skipped: fixture folder absent ({})", p.display());
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
    c.bench_function("tdx_verify_quote", |b| {
        b.iter(|| {
            let mut l = Ledger::new();
            v.verify(black_box(&input), &ctx, &mut l);
            assert_eq!(
                l.outcome_of("hardware_attestation"),
                Some(Outcome::Verified)
            );
        })
    });
    let mut sec1 = vec![4u8];
    sec1.extend_from_slice(&q.attestation_key);
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).unwrap();
    let sig = p256::ecdsa::Signature::from_slice(&q.signature).unwrap();
    c.bench_function("p256_verify", |b| {
        b.iter(|| key.verify(black_box(&q.signed_region), &sig).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
