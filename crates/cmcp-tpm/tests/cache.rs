//! The verifier's caches never make a result more verified than a cold run:
//! the same input through a warmed verifier and through a new one gives
//! identical ledgers, inside and outside the AK chain's validity and with
//! other roots pinned.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_tpm::TpmVerifier;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

fn at(t: &str) -> Timestamp {
    Timestamp::parse_rfc3339(t).unwrap()
}

/// The first certificate of a PEM bundle, as PEM.
fn first_pem(bundle: &[u8]) -> Vec<u8> {
    let s = String::from_utf8(bundle.to_vec()).unwrap();
    let end = "-----END CERTIFICATE-----";
    let i = s.find(end).unwrap() + end.len();
    format!("{}\n", &s[..i]).into_bytes()
}

struct Case {
    attest: Vec<u8>,
    sig: Vec<u8>,
    chain: Vec<u8>,
    nonce: Vec<u8>,
}

fn case() -> Case {
    Case {
        attest: data("conformance/srtm.attest"),
        sig: data("conformance/srtm.sig"),
        chain: data("syn-ak-chain.pem"),
        nonce: (0u8..64).collect(),
    }
}

fn run(v: &TpmVerifier, c: &Case, roots: &[Vec<u8>], now: Timestamp) -> Ledger {
    let trust = TrustInputs {
        tpm_ca: roots.to_vec(),
        ..Default::default()
    };
    let ctx = VerifyContext {
        now,
        future_skew_seconds: 300,
        trust: &trust,
    };
    let input = EvidenceInput {
        platform: "tpm2",
        nonce: Some(&c.nonce),
        raw_evidence: Some(&c.attest),
        quote_signature: Some(&c.sig),
        cert_chain: Some(&c.chain),
        ..Default::default()
    };
    let mut l = Ledger::new();
    v.verify(&input, &ctx, &mut l);
    l
}

#[test]
fn warm_equals_cold_across_time_and_roots() {
    let c = case();
    let root = vec![data("syn-root.pem")];
    let good = at("2027-01-01T00:00:00Z");
    let warm = TpmVerifier::default();

    let first = run(&warm, &c, &root, good);
    assert_eq!(
        first.outcome_of("hardware_attestation"),
        Some(Outcome::Verified)
    );
    assert_eq!(warm.cached_ak_chains(), 1);
    // A hit gives the same ledger as a cold run.
    assert_eq!(run(&warm, &c, &root, good), first);
    assert_eq!(run(&TpmVerifier::default(), &c, &root, good), first);

    // Before the AK certificate's notBefore (2026-12-03) and after the
    // chain's earliest notAfter: refused, exactly as cold.
    for t in [
        "2001-01-01T00:00:00Z",
        "2026-12-03T11:02:45Z",
        "2100-01-01T00:00:00Z",
    ] {
        let w = run(&warm, &c, &root, at(t));
        let cold = run(&TpmVerifier::default(), &c, &root, at(t));
        assert_eq!(w, cold, "{t}");
        assert_eq!(w.outcome_of("ak_cert_chain"), Some(Outcome::Failed), "{t}");
        assert_eq!(
            w.outcome_of("hardware_attestation"),
            Some(Outcome::Failed),
            "{t}"
        );
    }

    // Other roots pinned: an unrelated CA, the AK leaf itself, both
    // together with the real root, and none.
    let ek_ca = first_pem(&data("syn-inter-as-ek-chain.pem"));
    let leaf = first_pem(&c.chain);
    for (what, roots) in [
        ("unrelated CA", vec![ek_ca.clone()]),
        ("AK leaf pinned", vec![leaf.clone()]),
        ("unrelated CA and the root", vec![ek_ca, root[0].clone()]),
        ("no root", vec![]),
    ] {
        let w = run(&warm, &c, &roots, good);
        let cold = run(&TpmVerifier::default(), &c, &roots, good);
        assert_eq!(w, cold, "{what}");
    }
    assert_eq!(
        run(&warm, &c, &[leaf], good).outcome_of("ak_cert_chain"),
        run(&TpmVerifier::default(), &c, &[first_pem(&c.chain)], good).outcome_of("ak_cert_chain")
    );
    assert_eq!(
        run(
            &warm,
            &c,
            &[first_pem(&data("syn-inter-as-ek-chain.pem"))],
            good
        )
        .outcome_of("hardware_attestation"),
        Some(Outcome::Failed)
    );

    // A tampered quote from the cached AK still fails its signature.
    let mut bad = case();
    let last = bad.attest.len() - 1;
    bad.attest[last] ^= 1;
    let w = run(&warm, &bad, &root, good);
    assert_eq!(w, run(&TpmVerifier::default(), &bad, &root, good));
    assert_eq!(w.outcome_of("tpm_quote_signature"), Some(Outcome::Failed));

    // Back inside the window, the warmed verifier verifies again.
    assert_eq!(run(&warm, &c, &root, good), first);
}

#[test]
fn cache_is_bounded() {
    let c = case();
    let v = TpmVerifier::default();
    let good = at("2027-01-01T00:00:00Z");
    // Distinct pinned inputs (the root plus a distinct trailing comment)
    // give distinct roots and chain keys.
    for i in 0..(cmcp_tpm::cache::CAPACITY + 5) {
        let mut r = data("syn-root.pem");
        r.extend_from_slice(format!("# {i}\n").as_bytes());
        let l = run(&v, &c, &[r], good);
        assert_eq!(
            l.outcome_of("hardware_attestation"),
            Some(Outcome::Verified),
            "{l:#?}"
        );
    }
    assert_eq!(v.cached_ak_chains(), cmcp_tpm::cache::CAPACITY);
}
