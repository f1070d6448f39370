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
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects
)]
use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_tpm::TpmVerifier;
use cmcp_tpm::eventlog::{EventLog, build_log};
use cmcp_tpm::nvcertify::{
    DEFAULT_NV_INDEX, Envelope, Phase, build_nv_certify, nv_index_name, nv_qualifying_data,
};
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
    sign_with(&k, msg, hash, hash_id)
}

/// TPMT_SIGNATURE (ECDSA, `hash`) by the P-256 key with scalar `k`.
fn sign_with(k: &[u8], msg: &[u8], hash: HashAlg, hash_id: u16) -> Vec<u8> {
    let sk = p256::ecdsa::SigningKey::from_slice(k).unwrap();
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

/// The SRTM events of the synthetic logs: one per PCR 0-7, a second in 7.
fn srtm_events() -> Vec<(u32, u32, Vec<u8>)> {
    let mut events: Vec<(u32, u32, Vec<u8>)> = (0..8)
        .map(|i| (i, 0x8000_0008, format!("event {i}").into_bytes()))
        .collect();
    events.push((7, 0x8000_0001, b"second in 7".to_vec()));
    events
}

fn set(with_drtm: bool, extra: &[u8], tamper_log: bool) -> Set {
    let mut events = srtm_events();
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
        // The SRTM log plus an event in PCR 9, which the quote does not select.
        (
            "srtm.extra9.log",
            build_log(
                &[HashAlg::Sha256],
                &[
                    srtm_events(),
                    vec![(9, 0x8000_0008, b"unquoted 9".to_vec())],
                ]
                .concat(),
            ),
        ),
        ("drtm.attest", drtm.attest.clone()),
        ("drtm.sig", sign(&drtm.attest, HashAlg::Sha256, 0x000b)),
        ("drtm.log", drtm.log),
        ("drtm.pcrs.json", drtm.pcrs_json),
        ("claim.attest", claim.attest.clone()),
        ("claim.sig", sign(&claim.attest, HashAlg::Sha256, 0x000b)),
    ]
    .into_iter()
    .chain(nv_outputs())
    .collect()
}

/// The gateway digest the synthetic NV-certify pairs extend (§11.1 shape).
fn gateway_digest() -> Vec<u8> {
    HashAlg::Sha256.digest(&[
        b"cmcp-gateway-measurement-v1",
        b"|",
        format!(
            r#"{{"code":"{}","config":"{}","policy":"{}"}}"#,
            "11".repeat(32),
            "22".repeat(32),
            "33".repeat(32)
        )
        .as_bytes(),
    ])
}

/// How one synthetic NV-certify pair departs from the producer's.
#[derive(Default)]
struct NvTweak {
    nonce: Option<Vec<u8>>,
    post_phase_pre: bool,
    index: Option<u32>,
    unwritten: bool,
    offset: u16,
    extend_with: Option<Vec<u8>>,
    other_key: bool,
    post_trailing: bool,
    swap: bool,
}

/// An NV-certify envelope (§11.3) over the evidence nonce.
fn nv_envelope(t: NvTweak) -> Envelope {
    let nonce = t.nonce.clone().unwrap_or_else(nonce);
    let digest = gateway_digest();
    let name = nv_index_name(t.index.unwrap_or(DEFAULT_NV_INDEX), !t.unwritten).unwrap();
    let pre_v = HashAlg::Sha256.digest(&[b"cmcp-nv-index-initialised-v1"]);
    let post_v = HashAlg::Sha256.digest(&[&pre_v, t.extend_with.as_deref().unwrap_or(&digest)]);
    let post_phase = if t.post_phase_pre {
        Phase::Pre
    } else {
        Phase::Post
    };
    let signer = [0u8; 34];
    let pre = build_nv_certify(
        &signer,
        &nv_qualifying_data(&nonce, Phase::Pre),
        &name,
        t.offset,
        &pre_v,
    );
    let mut post = build_nv_certify(
        &signer,
        &nv_qualifying_data(&nonce, post_phase),
        &name,
        t.offset,
        &post_v,
    );
    if t.post_trailing {
        post.push(0);
    }
    let other = [0x11u8; 32];
    let sig = |m: &[u8]| {
        if t.other_key {
            sign_with(&other, m, HashAlg::Sha256, 0x000b)
        } else {
            sign(m, HashAlg::Sha256, 0x000b)
        }
    };
    let (pre_sig, post_sig) = (sig(&pre), sig(&post));
    let mut e = Envelope {
        pre_attest: pre,
        pre_signature: pre_sig,
        post_attest: post,
        post_signature: post_sig,
        gateway_digest: digest.try_into().unwrap(),
    };
    if t.swap {
        std::mem::swap(&mut e.pre_attest, &mut e.post_attest);
        std::mem::swap(&mut e.pre_signature, &mut e.post_signature);
    }
    e
}

fn nv_outputs() -> Vec<(&'static str, Vec<u8>)> {
    let env = |t: NvTweak| format!("{}\n", nv_envelope(t).to_json()).into_bytes();
    let good = nv_envelope(NvTweak::default()).to_json();
    let edit = |from: &str, to: &str| {
        assert!(good.contains(from));
        format!("{}\n", good.replacen(from, to, 1)).into_bytes()
    };
    let pre_b64 = cmcp_json::encoding::b64_encode(&nv_envelope(NvTweak::default()).pre_attest);
    let post_sig_member = format!(
        r#","post_signature":"{}""#,
        cmcp_json::encoding::b64_encode(&nv_envelope(NvTweak::default()).post_signature)
    );
    vec![
        (
            "nv.gateway-digest",
            format!("{}\n", cmcp_json::encoding::hex_encode(&gateway_digest())).into_bytes(),
        ),
        ("nv.good.json", env(NvTweak::default())),
        (
            "nv.broken-extend.json",
            env(NvTweak {
                extend_with: Some(vec![0x5a; 32]),
                ..NvTweak::default()
            }),
        ),
        (
            "nv.swapped.json",
            env(NvTweak {
                swap: true,
                ..NvTweak::default()
            }),
        ),
        (
            "nv.wrong-phase.json",
            env(NvTweak {
                post_phase_pre: true,
                ..NvTweak::default()
            }),
        ),
        (
            "nv.other-nonce.json",
            env(NvTweak {
                nonce: Some(vec![0xff; 64]),
                ..NvTweak::default()
            }),
        ),
        (
            "nv.other-index.json",
            env(NvTweak {
                index: Some(DEFAULT_NV_INDEX + 1),
                ..NvTweak::default()
            }),
        ),
        (
            "nv.unwritten.json",
            env(NvTweak {
                unwritten: true,
                ..NvTweak::default()
            }),
        ),
        (
            "nv.offset.json",
            env(NvTweak {
                offset: 4,
                ..NvTweak::default()
            }),
        ),
        (
            "nv.other-key.json",
            env(NvTweak {
                other_key: true,
                ..NvTweak::default()
            }),
        ),
        (
            "nv.trailing.json",
            env(NvTweak {
                post_trailing: true,
                ..NvTweak::default()
            }),
        ),
        ("nv.v2.json", edit(r#""v":1"#, r#""v":2"#)),
        (
            "nv.bad-base64.json",
            edit(&pre_b64, &format!("{}!", &pre_b64[..pre_b64.len() - 4])),
        ),
        ("nv.missing-member.json", edit(&post_sig_member, "")),
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

#[test]
fn nv_envelopes_give_their_failure_names() {
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
        nonce: Some(&n),
        raw_evidence: Some(&s.attest),
        quote_signature: Some(&sig),
        cert_chain: Some(&chain),
        ..Default::default()
    };
    let digest: [u8; 32] = gateway_digest().try_into().unwrap();
    let outs: std::collections::BTreeMap<&str, Vec<u8>> = nv_outputs().into_iter().collect();
    let run = |name: &str, d: [u8; 32]| {
        let v = TpmVerifier::default()
            .with_nv_certify(outs[name].clone())
            .with_gateway_digest(d);
        let mut l = Ledger::new();
        v.verify(&input, &ctx, &mut l);
        l
    };
    // Without the quote the pair is not appraised: not established.
    let mut no_quote = input;
    no_quote.raw_evidence = None;
    let mut l = Ledger::new();
    TpmVerifier::default()
        .with_nv_certify(outs["nv.good.json"].clone())
        .with_gateway_digest(digest)
        .verify(&no_quote, &ctx, &mut l);
    assert_eq!(
        l.outcome_of("gateway_measurement"),
        Some(Outcome::NotEstablished)
    );
    assert!(!l.has_failure());
    let l = run("nv.good.json", digest);
    assert_eq!(
        l.outcome_of("gateway_measurement"),
        Some(Outcome::Verified),
        "{l:#?}"
    );
    assert_eq!(
        l.outcome_of("hardware_attestation"),
        Some(Outcome::Verified)
    );
    assert_eq!(
        l.details()["nv_certify_index_name"],
        "000bd884eed008e17b8e06485bcf29a5f0e88ca44a4355d711fa2cafb368c3ff3763"
    );
    for (file, want, d) in [
        ("nv.good.json", "gateway_digest_mismatch", [0x5a; 32]),
        ("nv.broken-extend.json", "extend_relation_broken", digest),
        ("nv.swapped.json", "pre_binding_mismatch", digest),
        ("nv.wrong-phase.json", "post_binding_mismatch", digest),
        ("nv.other-nonce.json", "pre_binding_mismatch", digest),
        ("nv.other-index.json", "nv_index_name_mismatch", digest),
        ("nv.unwritten.json", "nv_index_name_mismatch", digest),
        ("nv.offset.json", "nv_offset_mismatch", digest),
        ("nv.other-key.json", "signature_invalid", digest),
        ("nv.trailing.json", "malformed_nv_certify", digest),
        ("nv.v2.json", "unsupported_envelope_version", digest),
        ("nv.bad-base64.json", "malformed_envelope", digest),
        ("nv.missing-member.json", "malformed_envelope", digest),
    ] {
        let l = run(file, d);
        assert_eq!(
            l.outcome_of("gateway_measurement"),
            Some(Outcome::Failed),
            "{file}"
        );
        assert_eq!(l.details()["nv_certify_failure"], want, "{file}");
        assert_eq!(
            l.outcome_of("hardware_attestation"),
            Some(Outcome::Failed),
            "{file}"
        );
    }
}
