//! `TpmVerifier` ledger tests on the ms-tpm-20-ref v1.83 simulator vectors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;
use cmcp_policy::{
    EvidenceInput, FailureCode, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs,
    VerifyContext,
};
use cmcp_tpm::TpmVerifier;
use cmcp_tpm::bind::PcrValues;
use cmcp_tpm::parse::HashAlg;
use common::*;

const D256: &str = "sha256:2ea9ab9198d1638007400cd2c3bef1cc745b864b76011a0e1bc52180ac6452d4";

fn trust(v: &Vector) -> TrustInputs {
    TrustInputs {
        tpm_ca: vec![v.root.clone()],
        ..Default::default()
    }
}

fn run(ver: &TpmVerifier, input: &EvidenceInput<'_>, trust: &TrustInputs) -> Ledger {
    let ctx = VerifyContext {
        now: Timestamp::parse_rfc3339("2027-01-01T00:00:00Z").unwrap(),
        future_skew_seconds: 300,
        trust,
    };
    let mut l = Ledger::new();
    ver.verify(input, &ctx, &mut l);
    assert_eq!(
        l.entries()
            .iter()
            .filter(|e| e.field == "hardware_attestation")
            .count(),
        1
    );
    assert!(l.outcome_of("audit_chain_binding").is_none());
    l
}

fn input<'a>(v: &'a Vector) -> EvidenceInput<'a> {
    EvidenceInput {
        platform: "tpm2",
        nonce: Some(&v.nonce),
        raw_evidence: Some(&v.attest),
        quote_signature: Some(&v.sig),
        cert_chain: Some(&v.chain),
        ..Default::default()
    }
}

fn hw(l: &Ledger) -> Option<Outcome> {
    l.outcome_of("hardware_attestation")
}

#[test]
fn all_four_verify_end_to_end() {
    for name in VECTORS {
        let Some(v) = load(name) else { return };
        let t = trust(&v);
        let ver = TpmVerifier::default();
        let l = run(&ver, &input(&v), &t);
        assert_eq!(hw(&l), Some(Outcome::Verified), "{name}: {:#?}", l);
        for f in [
            "pcr_format",
            "qualifying_data",
            "ak_cert_chain",
            "tpm_quote_signature",
        ] {
            assert_eq!(l.outcome_of(f), Some(Outcome::Verified), "{name} {f}");
        }
        assert_eq!(l.outcome_of("ek_cert_chain"), Some(Outcome::NotEstablished));
        assert_eq!(l.outcome_of("ak_ek_binding"), Some(Outcome::NotEstablished));
        assert_eq!(l.outcome_of("pcr_digest"), Some(Outcome::NotChecked));
        let (alg, dig) = match name {
            "rsassa-sha256" => ("rsassa", "0x000b"),
            "rsapss-sha256" => ("rsapss", "0x000b"),
            "rsassa-sha384" => ("rsassa", "0x000c"),
            _ => ("ecdsa", "0x000c"),
        };
        assert_eq!(l.details()["signature_algorithm"], alg);
        assert_eq!(l.details()["signature_digest"], dig);
        // The claim's 64-byte nonce: only its first half is in the quote.
        let mut n64 = v.nonce.clone();
        n64.extend_from_slice(&[0xee; 32]);
        let mut i = input(&v);
        i.nonce = Some(&n64);
        assert_eq!(hw(&run(&ver, &i, &t)), Some(Outcome::Verified), "{name}");
    }
}

#[test]
fn tpm2b_wrapped_evidence_verifies() {
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    let mut w = (v.attest.len() as u16).to_be_bytes().to_vec();
    w.extend_from_slice(&v.attest);
    let mut i = input(&v);
    i.raw_evidence = Some(&w);
    assert_eq!(
        hw(&run(&TpmVerifier::default(), &i, &trust(&v))),
        Some(Outcome::Verified)
    );
    // A wrong size prefix is refused as "no magic".
    let mut w2 = w.clone();
    w2[1] ^= 1;
    i.raw_evidence = Some(&w2);
    let l = run(&TpmVerifier::default(), &i, &trust(&v));
    assert_eq!(hw(&l), Some(Outcome::Failed));
    assert_eq!(l.details()["tpm_failure"], "tpm_evidence_check_failed");
    assert!(l.details()["tpm_parse_error"].contains("no TPM_GENERATED magic"));
}

#[test]
fn wrong_nonce_fails_qualifying_data() {
    let Some(v) = load("ecdsa-sha384") else {
        return;
    };
    let other = [0x11u8; 32];
    let mut i = input(&v);
    i.nonce = Some(&other);
    let l = run(&TpmVerifier::default(), &i, &trust(&v));
    assert_eq!(l.outcome_of("qualifying_data"), Some(Outcome::Failed));
    assert_eq!(hw(&l), Some(Outcome::Failed));
    assert_eq!(
        l.failure_reason(),
        Some(FailureCode::HardwareAttestationFailed)
    );
    assert_eq!(l.details()["tpm_failure"], "tpm_evidence_check_failed");
    assert_eq!(
        l.details()["qualifying_data_error"],
        "qualifying_data does not match expected key thumbprint"
    );
    // Signature and chain still verify: the failure is the binding.
    assert_eq!(l.outcome_of("tpm_quote_signature"), Some(Outcome::Verified));
    // A thumbprint that disagrees with the nonce also fails.
    let mut i = input(&v);
    i.key_thumbprint = Some([0x22; 32]);
    assert_eq!(
        run(&TpmVerifier::default(), &i, &trust(&v)).outcome_of("qualifying_data"),
        Some(Outcome::Failed)
    );
    // A 33-byte nonce is refused.
    let n33 = [0u8; 33];
    let mut i = input(&v);
    i.nonce = Some(&n33);
    assert_eq!(
        run(&TpmVerifier::default(), &i, &trust(&v)).outcome_of("qualifying_data"),
        Some(Outcome::Failed)
    );
}

#[test]
fn other_root_fails_chain() {
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    let o = load("rsapss-sha256").unwrap();
    let l = run(&TpmVerifier::default(), &input(&v), &trust(&o));
    assert_eq!(l.outcome_of("ak_cert_chain"), Some(Outcome::Failed));
    assert_eq!(hw(&l), Some(Outcome::Failed));
    assert_eq!(l.details()["tpm_failure"], "tpm_cert_chain_failed");
}

#[test]
fn flipped_attest_byte_fails_signature() {
    let Some(v) = load("rsapss-sha256") else {
        return;
    };
    for i in [0usize, 40, 100, v.attest.len() - 1] {
        let mut m = v.attest.clone();
        m[i] ^= 0x01;
        let mut inp = input(&v);
        inp.raw_evidence = Some(&m);
        let l = run(&TpmVerifier::default(), &inp, &trust(&v));
        assert_eq!(hw(&l), Some(Outcome::Failed), "byte {i}");
    }
    let mut m = v.attest.clone();
    m[120] ^= 0x01; // inside pcrDigest: parses, signature fails
    let mut inp = input(&v);
    inp.raw_evidence = Some(&m);
    let l = run(&TpmVerifier::default(), &inp, &trust(&v));
    assert_eq!(l.outcome_of("tpm_quote_signature"), Some(Outcome::Failed));
    assert_eq!(
        l.details()["signature_error"],
        "signature does not verify against the attestation key"
    );
    assert_eq!(l.details()["tpm_failure"], "tpm_quote_signature_failed");
}

#[test]
fn absent_material_is_not_established() {
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    // No CA pinned: signature still checked against the presented key, chain not established.
    let l = run(&TpmVerifier::default(), &input(&v), &TrustInputs::default());
    assert_eq!(hw(&l), Some(Outcome::NotEstablished));
    assert!(!l.has_failure());
    assert_eq!(l.outcome_of("ak_cert_chain"), Some(Outcome::NotEstablished));
    assert_eq!(l.outcome_of("tpm_quote_signature"), Some(Outcome::Verified));
    // No signature.
    let mut i = input(&v);
    i.quote_signature = None;
    let l = run(&TpmVerifier::default(), &i, &trust(&v));
    assert_eq!(hw(&l), Some(Outcome::NotEstablished));
    assert_eq!(
        l.outcome_of("tpm_quote_signature"),
        Some(Outcome::NotEstablished)
    );
    // No chain.
    let mut i = input(&v);
    i.cert_chain = None;
    let l = run(&TpmVerifier::default(), &i, &trust(&v));
    assert_eq!(hw(&l), Some(Outcome::NotEstablished));
    assert_eq!(
        l.details()["ak_cert_chain"],
        "TPM quote signature and AK cert chain not verified (no cert_chain in claim)"
    );
    // No evidence at all.
    let l = run(
        &TpmVerifier::default(),
        &EvidenceInput {
            platform: "tpm2",
            ..Default::default()
        },
        &trust(&v),
    );
    assert_eq!(hw(&l), Some(Outcome::NotEstablished));
    // A supplied-but-bad signature blob fails.
    let mut bad = v.sig.clone();
    bad.push(0);
    let mut i = input(&v);
    i.quote_signature = Some(&bad);
    let l = run(&TpmVerifier::default(), &i, &trust(&v));
    assert_eq!(hw(&l), Some(Outcome::Failed));
    assert!(l.details()["signature_error"].contains("trailing"));
}

#[test]
fn measurement_binding() {
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    let t = trust(&v);
    let mut i = input(&v);
    i.claimed_measurement = Some(D256);
    // Default measurement selection sha256:0-7: a PCR 0-2 quote cannot bind it.
    let l = run(&TpmVerifier::default(), &i, &t);
    assert_eq!(l.outcome_of("pcr_digest"), Some(Outcome::Failed));
    assert_eq!(hw(&l), Some(Outcome::Failed));
    // The relying party declares sha256:0-2 as the measurement selection.
    let pol = cmcp_json::parse(br#"{"tpm":{"measurement_selection":{"sha256":[0,1,2]}}}"#).unwrap();
    let ver = TpmVerifier::from_policy_file(Some(&pol)).unwrap();
    let l = run(&ver, &i, &t);
    assert_eq!(l.outcome_of("pcr_digest"), Some(Outcome::Verified));
    assert_eq!(hw(&l), Some(Outcome::Verified));
    // Wrong measurement.
    let wrong = format!("sha256:{}", "00".repeat(32));
    i.claimed_measurement = Some(&wrong);
    let l = run(&ver, &i, &t);
    assert_eq!(l.outcome_of("pcr_digest"), Some(Outcome::Failed));
    assert_eq!(
        l.details()["pcr_digest_error"],
        "quote pcrDigest does not equal the claim's measurement"
    );
    // Bad format.
    i.claimed_measurement = Some("sha256:XYZ");
    let l = run(&ver, &i, &t);
    assert_eq!(l.outcome_of("measurement_format"), Some(Outcome::Failed));
    assert_eq!(l.details()["tpm_failure"], "invalid_measurement_format");
    // SHA-384 signed quotes can never bind a sha256 measurement by digest.
    let v384 = load("rsassa-sha384").unwrap();
    let mut i = input(&v384);
    i.claimed_measurement = Some(D256);
    let l = run(&ver, &i, &trust(&v384));
    assert_eq!(l.outcome_of("pcr_digest"), Some(Outcome::Failed));
}

#[test]
fn pcr_values_and_policy() {
    for name in VECTORS {
        let Some(v) = load(name) else { return };
        let mut pcrs = PcrValues::default();
        for i in 0..3 {
            pcrs.insert(HashAlg::Sha256, i, vec![0; 32]).unwrap();
        }
        let ver = TpmVerifier::default().with_pcr_values(pcrs.clone());
        let l = run(&ver, &input(&v), &trust(&v));
        assert_eq!(
            l.outcome_of("pcr_values"),
            Some(Outcome::Verified),
            "{name}"
        );
        // A wrong PCR value fails the recomputation.
        let mut bad = pcrs.clone();
        bad.insert(HashAlg::Sha256, 1, vec![1; 32]).unwrap();
        let l = run(
            &TpmVerifier::default().with_pcr_values(bad),
            &input(&v),
            &trust(&v),
        );
        assert_eq!(l.outcome_of("pcr_values"), Some(Outcome::Failed), "{name}");
        assert_eq!(hw(&l), Some(Outcome::Failed));
    }
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    let z = "00".repeat(32);
    let pol = cmcp_json::parse(
        format!(r#"{{"tpm":{{"expected_pcrs":{{"sha256":{{"0":"{z}","2":"{z}"}}}},"required_pcr_selection":{{"sha256":[0,1]}},"require_clock_safe":true}}}}"#).as_bytes(),
    )
    .unwrap();
    let mut pcrs = PcrValues::default();
    for i in 0..3 {
        pcrs.insert(HashAlg::Sha256, i, vec![0; 32]).unwrap();
    }
    let ver = TpmVerifier::from_policy_file(Some(&pol))
        .unwrap()
        .with_pcr_values(pcrs);
    let l = run(&ver, &input(&v), &trust(&v));
    for f in ["pcr_policy", "pcr_selection", "clock_info"] {
        assert_eq!(l.outcome_of(f), Some(Outcome::Verified), "{f}");
    }
    assert_eq!(hw(&l), Some(Outcome::Verified));
    // Without PCR values the expected values cannot be established → fail.
    let ver = TpmVerifier::from_policy_file(Some(&pol)).unwrap();
    assert_eq!(
        run(&ver, &input(&v), &trust(&v)).outcome_of("pcr_policy"),
        Some(Outcome::Failed)
    );
    // Requiring PCR 7 fails the selection.
    let pol = cmcp_json::parse(br#"{"tpm":{"required_pcr_selection":{"sha256":[7]}}}"#).unwrap();
    let l = run(
        &TpmVerifier::from_policy_file(Some(&pol)).unwrap(),
        &input(&v),
        &trust(&v),
    );
    assert_eq!(l.outcome_of("pcr_selection"), Some(Outcome::Failed));
    assert_eq!(l.details()["tpm_failure"], "tpm_policy_failed");
}

#[test]
fn ek_chain_rules() {
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    // The AK chain offered as an EK chain: leaf lacks the EK EKU.
    let mut i = input(&v);
    i.ek_cert_chain = Some(&v.chain);
    let l = run(&TpmVerifier::default(), &i, &trust(&v));
    assert_eq!(l.outcome_of("ek_cert_chain"), Some(Outcome::Failed));
    assert!(l.details()["ek_cert_chain"].starts_with("EK chain leaf is not an end-entity"));
    // Policy requires one and none is supplied.
    let pol = cmcp_json::parse(br#"{"tpm":{"require_ek_chain":true}}"#).unwrap();
    let l = run(
        &TpmVerifier::from_policy_file(Some(&pol)).unwrap(),
        &input(&v),
        &trust(&v),
    );
    assert_eq!(l.outcome_of("ek_cert_chain"), Some(Outcome::Failed));
    assert_eq!(hw(&l), Some(Outcome::Failed));
    // The synthetic AK leaf has no AK EKU: required → fail.
    let pol = cmcp_json::parse(br#"{"tpm":{"require_ak_eku":true}}"#).unwrap();
    let l = run(
        &TpmVerifier::from_policy_file(Some(&pol)).unwrap(),
        &input(&v),
        &trust(&v),
    );
    assert_eq!(l.outcome_of("ak_cert_chain"), Some(Outcome::Failed));
}

#[test]
fn sha1_policy() {
    let Some(v) = load("rsassa-sha256") else {
        return;
    };
    let mut s = v.sig.clone();
    s[3] = 0x04; // claim SHA-1
    let mut i = input(&v);
    i.quote_signature = Some(&s);
    let l = run(&TpmVerifier::default(), &i, &trust(&v));
    assert_eq!(
        l.details()["signature_error"],
        "SHA-1 quote signatures are not allowed by the appraisal policy"
    );
    let pol = cmcp_json::parse(br#"{"tpm":{"allow_sha1":true}}"#).unwrap();
    let l = run(
        &TpmVerifier::from_policy_file(Some(&pol)).unwrap(),
        &i,
        &trust(&v),
    );
    assert_eq!(
        l.details()["signature_error"],
        "signature does not verify against the attestation key"
    );
}

#[test]
fn tamper_sweep_never_verifies() {
    for name in VECTORS {
        let Some(v) = load(name) else { return };
        let t = trust(&v);
        let ver = TpmVerifier::default();
        for i in 0..v.attest.len() {
            let mut m = v.attest.clone();
            m[i] ^= 0x80;
            let mut inp = input(&v);
            inp.raw_evidence = Some(&m);
            assert_eq!(
                hw(&run(&ver, &inp, &t)),
                Some(Outcome::Failed),
                "{name} attest {i}"
            );
        }
        for i in 0..v.sig.len() {
            let mut m = v.sig.clone();
            m[i] ^= 0x80;
            let mut inp = input(&v);
            inp.quote_signature = Some(&m);
            assert_eq!(
                hw(&run(&ver, &inp, &t)),
                Some(Outcome::Failed),
                "{name} sig {i}"
            );
        }
    }
}
