//! Synthetic vectors: our own P-256 AK and CA (tests/data, generated with
//! openssl for this crate), quotes over sha256:0-7 (+ DRTM PCR 17), event
//! logs, EK chains (including an Azure-like intermediate carrying the EK
//! EKU) and NV-certify pairs.
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
use cmcp_tpm::authenticate::{AuthError, parse_roots, verify_ek_chain};
use cmcp_tpm::bind::PcrValues;
use cmcp_tpm::eventlog::{EventLog, build_log};
use cmcp_tpm::nvcertify::*;
use cmcp_tpm::parse::HashAlg;
use p256::ecdsa::signature::hazmat::PrehashSigner;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2027-01-01T00:00:00Z").unwrap()
}

fn sign(msg: &[u8]) -> Vec<u8> {
    let k = cmcp_json::encoding::hex_decode(
        std::str::from_utf8(&data("syn-ak-p256.key.hex"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let sk = p256::ecdsa::SigningKey::from_slice(&k).unwrap();
    let sig: p256::ecdsa::Signature = sk.sign_prehash(&HashAlg::Sha256.digest(&[msg])).unwrap();
    let rs = sig.to_bytes();
    let mut out = vec![0x00, 0x18, 0x00, 0x0b, 0x00, 0x20];
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

fn verify(ver: &TpmVerifier, i: &EvidenceInput<'_>) -> Ledger {
    let trust = TrustInputs {
        tpm_ca: vec![data("syn-root.pem")],
        ..Default::default()
    };
    let ctx = VerifyContext {
        now: now(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let mut l = Ledger::new();
    ver.verify(i, &ctx, &mut l);
    l
}

struct Fixture {
    nonce: Vec<u8>,
    attest: Vec<u8>,
    sig: Vec<u8>,
    chain: Vec<u8>,
    log: Vec<u8>,
    pcrs: PcrValues,
    measurement: String,
}

fn fixture(with_drtm: bool) -> Fixture {
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
    let mut pcrs = PcrValues::default();
    let mut concat = Vec::new();
    for (i, v) in &replay {
        pcrs.insert(HashAlg::Sha256, *i, v.clone()).unwrap();
        concat.extend_from_slice(v);
    }
    let digest = HashAlg::Sha256.digest(&[&concat]);
    let select: &[u8] = if with_drtm {
        &[0xff, 0x00, 0x02]
    } else {
        &[0xff, 0x00, 0x00]
    };
    let nonce: Vec<u8> = (0u8..64).collect();
    let attest = quote(&nonce[..32], select, &digest);
    let sig = sign(&attest);
    let measurement = format!(
        "sha256:{}",
        cmcp_json::encoding::hex_encode(&pcrs.producer_measurement().unwrap())
    );
    Fixture {
        nonce,
        attest,
        sig,
        chain: data("syn-ak-chain.pem"),
        log,
        pcrs,
        measurement,
    }
}

fn input(f: &Fixture) -> EvidenceInput<'_> {
    EvidenceInput {
        platform: "tpm2",
        claimed_measurement: Some(&f.measurement),
        nonce: Some(&f.nonce),
        raw_evidence: Some(&f.attest),
        quote_signature: Some(&f.sig),
        cert_chain: Some(&f.chain),
        ..Default::default()
    }
}

#[test]
fn producer_shape_quote_binds_measurement_directly() {
    let f = fixture(false);
    let l = verify(&TpmVerifier::default(), &input(&f));
    assert_eq!(
        l.outcome_of("pcr_digest"),
        Some(Outcome::Verified),
        "{l:#?}"
    );
    assert_eq!(
        l.outcome_of("hardware_attestation"),
        Some(Outcome::Verified)
    );
    // The AK EKU is present on this synthetic AK.
    let pol = cmcp_json::parse(br#"{"tpm":{"require_ak_eku":true}}"#).unwrap();
    let l = verify(
        &TpmVerifier::from_policy_file(Some(&pol)).unwrap(),
        &input(&f),
    );
    assert_eq!(l.outcome_of("ak_cert_chain"), Some(Outcome::Verified));
}

#[test]
fn event_log_replay_srtm_and_drtm() {
    for drtm in [false, true] {
        let f = fixture(drtm);
        // Log alone establishes the PCRs (its replay reproduces pcrDigest).
        let ver = TpmVerifier::default().with_event_log(f.log.clone());
        let l = verify(&ver, &input(&f));
        assert_eq!(
            l.outcome_of("event_log"),
            Some(Outcome::Verified),
            "drtm={drtm} {l:#?}"
        );
        assert_eq!(
            l.outcome_of("pcr_digest"),
            Some(Outcome::Verified),
            "drtm={drtm}"
        );
        assert_eq!(
            l.outcome_of("hardware_attestation"),
            Some(Outcome::Verified)
        );
        // With explicit PCR values the log is compared with them.
        let ver = TpmVerifier::default()
            .with_pcr_values(f.pcrs.clone())
            .with_event_log(f.log.clone());
        let l = verify(&ver, &input(&f));
        assert_eq!(l.outcome_of("pcr_values"), Some(Outcome::Verified));
        assert_eq!(l.outcome_of("event_log"), Some(Outcome::Verified));
    }
    // DRTM PCR 17 starts at 0xFF…: a replay from zero would not match.
    let f = fixture(true);
    let zero_start = HashAlg::Sha256.digest(&[&[0u8; 32], &HashAlg::Sha256.digest(&[b"drtm"])]);
    assert_ne!(f.pcrs.get(HashAlg::Sha256, 17).unwrap(), &zero_start[..]);
    let ff_start = HashAlg::Sha256.digest(&[&[0xffu8; 32], &HashAlg::Sha256.digest(&[b"drtm"])]);
    assert_eq!(f.pcrs.get(HashAlg::Sha256, 17).unwrap(), &ff_start[..]);
}

#[test]
fn tampered_event_log_fails() {
    let f = fixture(false);
    let mut events: Vec<(u32, u32, Vec<u8>)> = (0..8)
        .map(|i| (i, 0x8000_0008, format!("event {i}").into_bytes()))
        .collect();
    events.push((7, 0x8000_0001, b"something else".to_vec()));
    let other = build_log(&[HashAlg::Sha256], &events);
    let l = verify(
        &TpmVerifier::default().with_event_log(other.clone()),
        &input(&f),
    );
    assert_eq!(l.outcome_of("event_log"), Some(Outcome::Failed));
    assert_eq!(l.outcome_of("hardware_attestation"), Some(Outcome::Failed));
    let l = verify(
        &TpmVerifier::default()
            .with_pcr_values(f.pcrs.clone())
            .with_event_log(other),
        &input(&f),
    );
    assert_eq!(l.outcome_of("event_log"), Some(Outcome::Failed));
    // Truncated log: typed failure, never a panic.
    let l = verify(
        &TpmVerifier::default().with_event_log(f.log[..f.log.len() - 3].to_vec()),
        &input(&f),
    );
    assert_eq!(l.outcome_of("event_log"), Some(Outcome::Failed));
}

#[test]
fn expected_event_digests_policy() {
    let f = fixture(false);
    let d = |s: &str| cmcp_json::encoding::hex_encode(&HashAlg::Sha256.digest(&[s.as_bytes()]));
    let good = format!(
        r#"{{"tpm":{{"expected_event_digests":{{"sha256":{{"7":["{}","{}"]}}}}}}}}"#,
        d("event 7"),
        d("second in 7")
    );
    let bad = format!(
        r#"{{"tpm":{{"expected_event_digests":{{"sha256":{{"7":["{}"]}}}}}}}}"#,
        d("event 7")
    );
    for (pol, want) in [(good, Outcome::Verified), (bad, Outcome::Failed)] {
        let p = cmcp_json::parse(pol.as_bytes()).unwrap();
        let ver = TpmVerifier::from_policy_file(Some(&p))
            .unwrap()
            .with_event_log(f.log.clone());
        assert_eq!(
            verify(&ver, &input(&f)).outcome_of("event_log_policy"),
            Some(want)
        );
    }
}

#[test]
fn ek_chain_end_entity_verifies_and_ek_eku_intermediate_refused() {
    let roots = parse_roots(&[data("syn-root.pem")]).unwrap();
    verify_ek_chain(&data("syn-ek-chain.pem"), &roots, now()).unwrap();
    assert_eq!(
        verify_ek_chain(&data("syn-inter-as-ek-chain.pem"), &roots, now()).unwrap_err(),
        AuthError::NotEndEntityEk
    );
    let f = fixture(false);
    let ek = data("syn-ek-chain.pem");
    let mut i = input(&f);
    i.ek_cert_chain = Some(&ek);
    let l = verify(&TpmVerifier::default(), &i);
    assert_eq!(l.outcome_of("ek_cert_chain"), Some(Outcome::Verified));
    assert_eq!(l.outcome_of("ak_ek_binding"), Some(Outcome::NotEstablished));
    assert_eq!(
        l.outcome_of("hardware_attestation"),
        Some(Outcome::Verified)
    );
    let inter = data("syn-inter-as-ek-chain.pem");
    i.ek_cert_chain = Some(&inter);
    let l = verify(&TpmVerifier::default(), &i);
    assert_eq!(l.outcome_of("ek_cert_chain"), Some(Outcome::Failed));
    assert_eq!(l.outcome_of("hardware_attestation"), Some(Outcome::Failed));
}

struct Pair {
    pre: Vec<u8>,
    pre_sig: Vec<u8>,
    post: Vec<u8>,
    post_sig: Vec<u8>,
}

fn nv_pair(nonce: &[u8], digest: &[u8; 32], tweak: impl Fn(&mut [Vec<u8>; 4])) -> Pair {
    let name = nv_index_name(DEFAULT_NV_INDEX, true).unwrap();
    let pre_v = HashAlg::Sha256.digest(&[b"cmcp-nv-index-initialised-v1"]);
    let post_v = HashAlg::Sha256.digest(&[&pre_v, digest]);
    let mut parts = [
        nv_qualifying_data(nonce, Phase::Pre),
        nv_qualifying_data(nonce, Phase::Post),
        pre_v,
        post_v,
    ];
    tweak(&mut parts);
    let pre = build_nv_certify(&[0u8; 34], &parts[0], &name, 0, &parts[2]);
    let post = build_nv_certify(&[0u8; 34], &parts[1], &name, 0, &parts[3]);
    Pair {
        pre_sig: sign(&pre),
        post_sig: sign(&post),
        pre,
        post,
    }
}

fn appraise(p: &Pair, nonce: &[u8], claimed: [u8; 32], policy: &NvPolicy) -> NvOutcome {
    let pair = NvPair {
        pre_attest: &p.pre,
        pre_signature: &p.pre_sig,
        post_attest: &p.post,
        post_signature: &p.post_sig,
        gateway_digest: claimed,
    };
    let roots = parse_roots(&[data("syn-root.pem")]).unwrap();
    verify_nv_pair(
        &pair,
        policy,
        &data("syn-ak-chain.pem"),
        &roots,
        nonce,
        now(),
        false,
    )
}

#[test]
fn nv_certify_pair() {
    let nonce: Vec<u8> = (0u8..64).collect();
    let digest = [0x42u8; 32];
    let policy = NvPolicy::for_default_index(digest);
    let p = nv_pair(&nonce, &digest, |_| {});
    let o = appraise(&p, &nonce, digest, &policy);
    assert!(o.verified(), "{o:?}");
    assert_eq!(
        o.verified_fields,
        vec![
            "policy",
            "structure",
            "ak_chain",
            "signatures",
            "transcript_binding",
            "nv_policy",
            "extend_relation"
        ]
    );
    assert_eq!(
        o.details[0].1,
        "000bd884eed008e17b8e06485bcf29a5f0e88ca44a4355d711fa2cafb368c3ff3763"
    );
    // Failures, each reached by one change.
    let other_nonce: Vec<u8> = (1u8..65).collect();
    assert_eq!(
        appraise(&p, &other_nonce, digest, &policy).failure_reason,
        Some("pre_binding_mismatch")
    );
    let swapped = Pair {
        pre: p.post.clone(),
        pre_sig: p.post_sig.clone(),
        post: p.pre.clone(),
        post_sig: p.pre_sig.clone(),
    };
    assert_eq!(
        appraise(&swapped, &nonce, digest, &policy).failure_reason,
        Some("pre_binding_mismatch")
    );
    let q = nv_pair(&nonce, &digest, |parts| {
        parts[1] = nv_qualifying_data(&nonce, Phase::Pre)
    });
    assert_eq!(
        appraise(&q, &nonce, digest, &policy).failure_reason,
        Some("post_binding_mismatch")
    );
    assert_eq!(
        appraise(&p, &nonce, [0; 32], &policy).failure_reason,
        Some("gateway_digest_mismatch")
    );
    let q = nv_pair(&nonce, &[0x43; 32], |_| {});
    assert_eq!(
        appraise(&q, &nonce, digest, &policy).failure_reason,
        Some("extend_relation_broken")
    );
    let q = nv_pair(&nonce, &digest, |parts| parts[2].push(0));
    assert_eq!(
        appraise(&q, &nonce, digest, &policy).failure_reason,
        Some("nv_extent_size_mismatch")
    );
    let mut unwritten = policy.clone();
    unwritten.expected_index_name = nv_index_name(DEFAULT_NV_INDEX, false).unwrap();
    let o = appraise(&p, &nonce, digest, &unwritten);
    assert_eq!(o.failure_reason, Some("nv_index_name_mismatch"));
    let mut bad = p.post_sig.clone();
    let n = bad.len();
    bad[n - 1] ^= 1;
    let t = Pair {
        post_sig: bad,
        ..Pair {
            pre: p.pre.clone(),
            pre_sig: p.pre_sig.clone(),
            post: p.post.clone(),
            post_sig: vec![],
        }
    };
    let o = appraise(&t, &nonce, digest, &policy);
    assert_eq!(o.failure_reason, Some("signature_invalid"));
    assert!(
        o.details
            .contains(&("which".to_string(), "post".to_string()))
    );
}
