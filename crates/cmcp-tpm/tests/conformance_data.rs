//! Synthetic TPM quotes for the conformance vectors (`CV-TPM-*`, built by
//! `cargo xtask gen-vectors` from `tests/data/conformance/`).
//!
//! Made here from our own P-256 AK and CA (`tests/data/syn-*`, see
//! `tests/synthetic.rs`): quotes over sha256:0-7 (and DRTM PCR 17), their
//! TCG event logs, PCR-value files and signatures. Byte-stable: ECDSA
//! signing is deterministic (RFC 6979). This test fails when a committed
//! file differs from what it builds;
//! `CMCP_REGEN_TEST_DATA=1 cargo test -p cmcp-tpm --test conformance_data`
//! rewrites them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]
use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_tpm::TpmVerifier;
use cmcp_tpm::eventlog::{EventLog, build_log};
use cmcp_tpm::parse::HashAlg;
use p256::ecdsa::signature::hazmat::PrehashSigner;

/// The claim nonce of the xtask hardware-claim session
/// (`xtask/src/generate.rs`, `hwkit::claim_nonce`).
const CLAIM_NONCE: &str = "bda24fb5e7febcf9c6008584d7daa530f0d8586684477cde78933fdebd563bb15685b09795564d6341f55933982b8d1a8c46067d533d8df88828c979d2993b83";

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

/// TPMT_SIGNATURE (ECDSA, `hash`) by the synthetic AK over `msg`.
fn sign(msg: &[u8], hash: HashAlg, hash_id: u16) -> Vec<u8> {
    let k = cmcp_json::encoding::hex_decode(
        std::str::from_utf8(&data("syn-ak-p256.key.hex"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let sk = p256::ecdsa::SigningKey::from_slice(&k).unwrap();
    let sig: p256::ecdsa::Signature = sk.sign_prehash(&hash.digest(&[msg])).unwrap();
    let rs = sig.to_bytes();
    let mut out = vec![0x00, 0x18];
    out.extend_from_slice(&hash_id.to_be_bytes());
    out.extend_from_slice(&[0x00, 0x20]);
    out.extend_from_slice(&rs[..32]);
    out.extend_from_slice(&[0x00, 0x20]);
    out.extend_from_slice(&rs[32..]);
    out
}

fn quote(extra: &[u8], select: &[u8], digest: &[u8]) -> Vec<u8> {
    let mut q = vec![0xff, 0x54, 0x43, 0x47, 0x80, 0x18, 0, 0];
    q.extend_from_slice(&(extra.len() as u16).to_be_bytes());
    q.extend_from_slice(extra);
    q.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    q.extend_from_slice(&0x2024_0125_0012_0000u64.to_be_bytes());
    q.extend_from_slice(&[0, 0, 0, 1, 0x00, 0x0b, select.len() as u8]);
    q.extend_from_slice(select);
    q.extend_from_slice(&(digest.len() as u16).to_be_bytes());
    q.extend_from_slice(digest);
    q
}

struct Set {
    attest: Vec<u8>,
    log: Vec<u8>,
    pcrs_json: Vec<u8>,
    measurement: String,
}

fn set(with_drtm: bool, extra: &[u8], tamper_log: bool) -> Set {
    let mut events: Vec<(u32, u32, Vec<u8>)> = (0..8)
        .map(|i| (i, 0x8000_0008, format!("event {i}").into_bytes()))
        .collect();
    events.push((7, 0x8000_0001, b"second in 7".to_vec()));
    if with_drtm {
        events.push((17, 0x0d, b"drtm".to_vec()));
    }
    let log = build_log(&[HashAlg::Sha256], &events);
    let replay = EventLog::parse(&log)
        .unwrap()
        .replay(HashAlg::Sha256)
        .unwrap();
    let mut concat = Vec::new();
    let mut first8 = Vec::new();
    let mut json = String::from("{\"sha256\":{");
    for (n, (i, v)) in replay.iter().enumerate() {
        concat.extend_from_slice(v);
        if *i < 8 {
            first8.extend_from_slice(v);
        }
        if n > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            "\"{i}\":\"{}\"",
            cmcp_json::encoding::hex_encode(v)
        ));
    }
    json.push_str("}}\n");
    let digest = HashAlg::Sha256.digest(&[&concat]);
    let select: &[u8] = if with_drtm {
        &[0xff, 0x00, 0x02]
    } else {
        &[0xff, 0x00, 0x00]
    };
    let log = if tamper_log {
        let mut e = events.clone();
        e[8] = (7, 0x8000_0001, b"something else".to_vec());
        build_log(&[HashAlg::Sha256], &e)
    } else {
        log
    };
    Set {
        attest: quote(extra, select, &digest),
        log,
        pcrs_json: json.into_bytes(),
        measurement: format!(
            "sha256:{}",
            cmcp_json::encoding::hex_encode(&HashAlg::Sha256.digest(&[&first8]))
        ),
    }
}

/// The evidence nonce: bytes 0..64; the quote carries the first 32.
fn nonce() -> Vec<u8> {
    (0u8..64).collect()
}

fn outputs() -> Vec<(&'static str, Vec<u8>)> {
    let n = nonce();
    let cn = cmcp_json::encoding::hex_decode(CLAIM_NONCE).unwrap();
    let srtm = set(false, &n[..32], false);
    let drtm = set(true, &n[..32], false);
    let claim = set(false, &cn[..32], false);
    let bad_log = set(false, &n[..32], true);
    vec![
        ("srtm.attest", srtm.attest.clone()),
        ("srtm.sig", sign(&srtm.attest, HashAlg::Sha256, 0x000b)),
        ("srtm.sha1.sig", sign(&srtm.attest, HashAlg::Sha1, 0x0004)),
        (
            "srtm.sha384.sig",
            sign(&srtm.attest, HashAlg::Sha384, 0x000c),
        ),
        ("srtm.log", srtm.log.clone()),
        ("srtm.pcrs.json", srtm.pcrs_json.clone()),
        ("srtm.measurement", srtm.measurement.clone().into_bytes()),
        ("srtm.tampered.log", bad_log.log),
        ("drtm.attest", drtm.attest.clone()),
        ("drtm.sig", sign(&drtm.attest, HashAlg::Sha256, 0x000b)),
        ("drtm.log", drtm.log),
        ("drtm.pcrs.json", drtm.pcrs_json),
        ("claim.attest", claim.attest.clone()),
        ("claim.sig", sign(&claim.attest, HashAlg::Sha256, 0x000b)),
    ]
}

#[test]
fn conformance_data_is_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance");
    let regen = std::env::var_os("CMCP_REGEN_TEST_DATA").is_some();
    for (name, bytes) in outputs() {
        let p = dir.join(name);
        if regen {
            std::fs::write(&p, &bytes).unwrap();
        } else {
            let old = std::fs::read(&p).unwrap_or_default();
            assert!(
                old == bytes,
                "{name} is stale: rerun with CMCP_REGEN_TEST_DATA=1"
            );
        }
    }
}

#[test]
fn srtm_quote_verifies_with_its_log() {
    let n = nonce();
    let s = set(false, &n[..32], false);
    let sig = sign(&s.attest, HashAlg::Sha256, 0x000b);
    let chain = data("syn-ak-chain.pem");
    let trust = TrustInputs {
        tpm_ca: vec![data("syn-root.pem")],
        ..Default::default()
    };
    let ctx = VerifyContext {
        now: Timestamp::parse_rfc3339("2027-01-01T00:00:00Z").unwrap(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let input = EvidenceInput {
        platform: "tpm2",
        claimed_measurement: Some(&s.measurement),
        nonce: Some(&n),
        raw_evidence: Some(&s.attest),
        quote_signature: Some(&sig),
        cert_chain: Some(&chain),
        ..Default::default()
    };
    let mut l = Ledger::new();
    TpmVerifier::default()
        .with_event_log(s.log.clone())
        .verify(&input, &ctx, &mut l);
    assert_eq!(l.outcome_of("event_log"), Some(Outcome::Verified), "{l:#?}");
    assert_eq!(
        l.outcome_of("hardware_attestation"),
        Some(Outcome::Verified)
    );
}

#[test]
fn absent_signature_with_claimed_measurement_is_not_established() {
    // Regression: with a claimed measurement and no quote_signature, the
    // pcrDigest check used to fail ("signing hash unknown"), turning absent
    // evidence into a failure. It is not established.
    let n = nonce();
    let s = set(false, &n[..32], false);
    let chain = data("syn-ak-chain.pem");
    let trust = TrustInputs {
        tpm_ca: vec![data("syn-root.pem")],
        ..Default::default()
    };
    let ctx = VerifyContext {
        now: Timestamp::parse_rfc3339("2027-01-01T00:00:00Z").unwrap(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let input = EvidenceInput {
        platform: "tpm2",
        claimed_measurement: Some(&s.measurement),
        nonce: Some(&n),
        raw_evidence: Some(&s.attest),
        cert_chain: Some(&chain),
        ..Default::default()
    };
    let mut l = Ledger::new();
    TpmVerifier::default().verify(&input, &ctx, &mut l);
    assert!(!l.has_failure(), "{l:#?}");
    assert_eq!(l.outcome_of("pcr_digest"), Some(Outcome::NotEstablished));
    assert_eq!(
        l.outcome_of("hardware_attestation"),
        Some(Outcome::NotEstablished)
    );
}
