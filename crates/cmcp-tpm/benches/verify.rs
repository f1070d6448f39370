//! One TPM2_Quote from the reference simulator (RSASSA-SHA256, RSA-2048 AK
//! whose certificate and root are ECDSA P-256) through `TpmVerifier`: parse,
//! AK chain to the pinned root, quote signature, qualifying data. Every
//! iteration asserts `hardware_attestation` verified with `ak_cert_chain`
//! verified to the pinned root.
//!
//! * `tpm_verify_quote_cold` — a new verifier per quote: the pinned root is
//!   parsed, the AK chain parsed and validated (two ECDSA P-256 verifies: the
//!   leaf under the root and the root's self-signature), the RSA key prepared
//!   and the quote signature verified.
//! * `tpm_verify_quote_warm` — repeated quotes from the same AK on one
//!   verifier, the steady state of a relying party: the roots and the
//!   authenticated AK chain come from the verifier's bounded caches (the
//!   chain's validity is re-checked at `now`), the quote signature is still
//!   verified every time.
//! * `rsa_verify_quote` — the bare RSASSA verify of the quote with a
//!   prepared key, the floor both are compared with.
//!
//! The ratios (cold or warm ÷ `rsa_verify_quote`) are meaningful only within
//! one run. Skips when the fixture folder is absent.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_tpm::TpmVerifier;
use cmcp_tpm::parse::{Attest, Signature};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn check(l: &Ledger) {
    assert_eq!(l.outcome_of("ak_cert_chain"), Some(Outcome::Verified));
    assert_eq!(l.outcome_of("tpm_quote_signature"), Some(Outcome::Verified));
    assert_eq!(
        l.outcome_of("hardware_attestation"),
        Some(Outcome::Verified)
    );
}

fn bench(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/hardware/ms-tpm-20-ref-v183");
    if !dir.is_dir() {
        eprintln!("skipped: fixture folder absent ({})", dir.display());
        return;
    }
    let rd = |n: &str| std::fs::read(dir.join(n)).unwrap();
    let attest = rd("rsassa-sha256-attest.bin");
    let sig = rd("rsassa-sha256-tpmt-signature.bin");
    let chain = rd("rsassa-sha256-ak-chain.pem");
    let nonce = cmcp_json::encoding::hex_decode(String::from_utf8(rd("nonce.hex")).unwrap().trim())
        .unwrap();
    let trust = TrustInputs {
        tpm_ca: vec![rd("rsassa-sha256-root.pem")],
        ..Default::default()
    };
    let ctx = VerifyContext {
        now: Timestamp::parse_rfc3339("2027-01-01T00:00:00Z").unwrap(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let input = EvidenceInput {
        platform: "tpm2",
        nonce: Some(&nonce),
        raw_evidence: Some(&attest),
        quote_signature: Some(&sig),
        cert_chain: Some(&chain),
        ..Default::default()
    };
    let policy = TpmVerifier::from_policy_file(None)
        .unwrap()
        .policy()
        .clone();
    c.bench_function("tpm_verify_quote_cold", |b| {
        b.iter(|| {
            let v = TpmVerifier::new(policy.clone());
            let mut l = Ledger::new();
            v.verify(black_box(&input), &ctx, &mut l);
            check(&l);
        })
    });
    let warm = TpmVerifier::new(policy.clone());
    c.bench_function("tpm_verify_quote_warm", |b| {
        b.iter(|| {
            let mut l = Ledger::new();
            warm.verify(black_box(&input), &ctx, &mut l);
            check(&l);
        })
    });
    let a = Attest::parse(&attest).unwrap();
    let s = Signature::parse(&sig).unwrap();
    let leaf = cmcp_x509::parse_certs(&chain).unwrap().remove(0);
    let key = leaf.public_key().unwrap();
    c.bench_function("rsa_verify_quote", |b| {
        b.iter(|| cmcp_tpm::authenticate::verify_signature(black_box(&a), &s, &key, false).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
