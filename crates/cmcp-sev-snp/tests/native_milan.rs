//! End-to-end `amd-sev-snp` verification of the real Milan v2 report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod common;
use cmcp_policy::{FailureCode, Outcome, TrustInputs};
use cmcp_sev_snp::{SnpPolicy, SnpVerifier};
use common::*;

fn rd(report: &[u8]) -> Vec<u8> {
    report[0x50..0x90].to_vec()
}

#[test]
fn milan_verifies_end_to_end() {
    let Some((report, bundle, ark)) = milan_set() else {
        return;
    };
    let v = SnpVerifier::default();
    let r = run_native(
        &v,
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &trust_ark(&ark),
    );
    assert_eq!(r.hw(), Outcome::Verified, "{:?}", r.ledger);
    assert_eq!(
        r.ledger.verified_fields(),
        vec![
            "measurement",
            "report_data",
            "vcek_cert_chain",
            "report_signature",
            "platform_state",
            "hardware_attestation"
        ]
    );
    assert!(r.ledger.unverified_fields().is_empty());
    assert_eq!(r.detail("snp_report_version"), Some("2"));
    assert_eq!(r.detail("platform_info"), Some("0x1"));
    assert_eq!(r.detail("snp_product"), Some("Milan"));
    assert_eq!(
        r.detail("ark_sha256"),
        Some("69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd")
    );
    assert_eq!(r.failure(), None);
}

#[test]
fn builtin_roots_opt_in() {
    let Some((report, bundle, _)) = milan_set() else {
        return;
    };
    let v = SnpVerifier::default();
    let t = TrustInputs {
        builtin_roots: true,
        ..Default::default()
    };
    let r = run_native(
        &v,
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(r.hw(), Outcome::Verified, "{:?}", r.ledger);
    // A DER ARK pin works like a PEM one.
    let der =
        cmcp_x509::parse_certs(&read("hardware/sev-crate-milan-turin/milan_ark.pem").unwrap())
            .unwrap()[0]
            .der()
            .to_vec();
    let r = run_native(
        &v,
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &trust_ark(&der),
    );
    assert_eq!(r.hw(), Outcome::Verified, "{:?}", r.ledger);
    // The embedded roots carry the published fingerprints.
    for (b, fp) in cmcp_sev_snp::builtin::BUILTIN_ARKS.iter().zip([
        "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
        "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
        "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
    ]) {
        let c = &cmcp_x509::parse_certs(b.pem.as_bytes()).unwrap()[0];
        assert_eq!(hex(&c.sha256_fingerprint()), fp);
        assert_eq!(b.sha256, fp);
        assert_eq!(
            c.subject_common_name().unwrap(),
            format!("ARK-{}", b.product)
        );
    }
    // Without opt-in and without --ark nothing is trusted.
    let r = run_native(
        &v,
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &TrustInputs::default(),
    );
    assert_eq!(r.hw(), Outcome::NotEstablished);
    assert_eq!(
        r.ledger.outcome_of("vcek_cert_chain"),
        Some(Outcome::NotEstablished)
    );
    assert_eq!(
        r.detail("vcek_chain"),
        Some("cert chain and/or pinned ARK not supplied")
    );
    assert!(!r.ledger.has_failure());
}

#[test]
fn reversed_bundle_and_bundle_without_ark() {
    let Some((report, _, ark)) = milan_set() else {
        return;
    };
    let vcek = milan_vcek().unwrap();
    let ask = read("hardware/sev-crate-milan-turin/milan_ask.pem").unwrap();
    let v = SnpVerifier::default();
    let mut rev = ark.clone();
    rev.extend_from_slice(&ask);
    rev.extend_from_slice(&der_to_pem(&vcek));
    let r = run_native(
        &v,
        &report,
        Some(&rev),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &trust_ark(&ark),
    );
    assert_eq!(r.hw(), Outcome::Verified, "{:?}", r.ledger);
    let mut no_ark = der_to_pem(&vcek);
    no_ark.extend_from_slice(&ask);
    let r = run_native(
        &v,
        &report,
        Some(&no_ark),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &trust_ark(&ark),
    );
    assert_eq!(r.hw(), Outcome::Verified, "{:?}", r.ledger);
    // No chain at all: not established.
    let r = run_native(
        &v,
        &report,
        None,
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &trust_ark(&ark),
    );
    assert_eq!(r.hw(), Outcome::NotEstablished);
}

#[test]
fn genoa_and_turin_ark_fail_chain() {
    let Some((report, bundle, _)) = milan_set() else {
        return;
    };
    for p in ["genoa", "turin"] {
        let ark = read(&format!("hardware/sev-crate-milan-turin/{p}_ark.pem")).unwrap();
        let r = run_native(
            &SnpVerifier::default(),
            &report,
            Some(&bundle),
            Some(&rd(&report)),
            Some(MILAN_MEASUREMENT_CLAIM),
            &trust_ark(&ark),
        );
        assert_eq!(r.hw(), Outcome::Failed, "{p}");
        assert_eq!(r.failure(), Some("vcek_chain_invalid"), "{p}");
        assert_eq!(
            r.ledger.outcome_of("vcek_cert_chain"),
            Some(Outcome::Failed)
        );
        assert_eq!(
            r.ledger.failure_reason(),
            Some(FailureCode::HardwareAttestationFailed)
        );
    }
}

#[test]
fn ask_pinned_as_ark_fails() {
    // Passing the KDS cert_chain (ASK first) as the trusted ARK pins the ASK.
    let Some((report, bundle, _)) = milan_set() else {
        return;
    };
    let chain = read("hardware/sev-crate-milan-turin/cert_chain_milan").unwrap();
    let r = run_native(
        &SnpVerifier::default(),
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &trust_ark(&chain),
    );
    assert_eq!(r.failure(), Some("vcek_chain_invalid"));
}

#[test]
fn expired_at_now_fails() {
    let Some((report, bundle, ark)) = milan_set() else {
        return;
    };
    use cmcp_policy::PlatformVerifier;
    let trust = trust_ark(&ark);
    let late = cmcp_policy::Timestamp::parse_rfc3339("2030-04-03T19:23:44Z").unwrap();
    let ctx = cmcp_policy::VerifyContext {
        now: late,
        future_skew_seconds: 300,
        trust: &trust,
    };
    let n = rd(&report);
    let input = cmcp_policy::EvidenceInput {
        platform: "amd-sev-snp",
        claimed_measurement: Some(MILAN_MEASUREMENT_CLAIM),
        nonce: Some(&n),
        raw_evidence: Some(&report),
        cert_chain: Some(&bundle),
        ..Default::default()
    };
    let mut l = cmcp_policy::Ledger::new();
    SnpVerifier::default().verify(&input, &ctx, &mut l);
    assert_eq!(l.details()["sev_snp_failure"], "vcek_chain_invalid");
    assert!(
        l.details()["vcek_chain"].contains("expired"),
        "{}",
        l.details()["vcek_chain"]
    );
}

#[test]
fn wrong_nonce_and_wrong_measurement() {
    let Some((report, bundle, ark)) = milan_set() else {
        return;
    };
    let v = SnpVerifier::default();
    let t = trust_ark(&ark);
    let mut n = rd(&report);
    n[63] ^= 1;
    let r = run_native(
        &v,
        &report,
        Some(&bundle),
        Some(&n),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(
        (r.hw(), r.failure()),
        (Outcome::Failed, Some("report_data_mismatch"))
    );
    assert_eq!(r.ledger.outcome_of("report_data"), Some(Outcome::Failed));
    // 32-byte prefix no longer "matches" (reference pads; we need all 64 bytes).
    let r = run_native(
        &v,
        &report,
        Some(&bundle),
        Some(&rd(&report)[..32]),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(r.failure(), Some("report_data_mismatch"));
    let wrong = format!("sha384:{}", "0".repeat(96));
    let r = run_native(
        &v,
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some(&wrong),
        &t,
    );
    assert_eq!(
        (r.hw(), r.failure()),
        (Outcome::Failed, Some("measurement_mismatch"))
    );
    // Raw 48-byte MEASUREMENT hex instead of its SHA-384.
    let raw_form = format!("sha384:{}", hex(&report[0x90..0xC0]));
    let r = run_native(
        &v,
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some(&raw_form),
        &t,
    );
    assert_eq!(r.failure(), Some("measurement_mismatch"));
    let r = run_native(
        &v,
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some("sha256:00"),
        &t,
    );
    assert_eq!(r.failure(), Some("invalid_measurement_format"));
}

#[test]
fn parse_failures_are_verdicts() {
    let Some((report, bundle, ark)) = milan_set() else {
        return;
    };
    let v = SnpVerifier::default();
    let t = trust_ark(&ark);
    let r = run_native(
        &v,
        &report[..1183],
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(r.failure(), Some("raw_evidence_parse_error"));
    let mut long = report.clone();
    long.push(0);
    let r = run_native(
        &v,
        &long,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(r.failure(), Some("raw_evidence_parse_error"));
    let mut v1 = report.clone();
    v1[0] = 1;
    let r = run_native(
        &v,
        &v1,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(r.failure(), Some("invalid_snp_report_version"));
    assert_eq!(r.detail("snp_report_version"), Some("1"));
    let r = run_native(
        &v,
        &[],
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    // Absent evidence is not established, never a failure.
    assert_eq!(r.failure(), None);
    assert_eq!(
        r.ledger.outcome_of("hardware_attestation"),
        Some(cmcp_policy::Outcome::NotEstablished)
    );
    assert!(!r.ledger.has_failure());
    let r = run_native(
        &v,
        &report,
        Some(b"garbage"),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(r.failure(), Some("cert_chain_malformed"));
}

#[test]
fn signature_failures_through_verifier() {
    let Some((report, bundle, ark)) = milan_set() else {
        return;
    };
    let v = SnpVerifier::default();
    let t = trust_ark(&ark);
    for off in [
        0x04C,
        0x182,
        0x1F8,
        0x2A0 + 50,
        0x2A0 + 72 + 60,
        0x4A0 - 1,
        0x2A0,
    ] {
        let mut x = report.clone();
        x[off] ^= 0x40;
        let r = run_native(
            &v,
            &x,
            Some(&bundle),
            Some(&rd(&report)),
            Some(MILAN_MEASUREMENT_CLAIM),
            &t,
        );
        assert_eq!(
            r.failure(),
            Some("report_signature_invalid"),
            "offset {off:#x}"
        );
        assert_eq!(
            r.ledger.outcome_of("report_signature"),
            Some(Outcome::Failed)
        );
    }
    let mut x = report.clone();
    x[0x34] = 2;
    let r = run_native(
        &v,
        &x,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(
        r.detail("report_signature"),
        Some("unsupported sig_algo 2 (expected ECDSA-P384/SHA-384)")
    );
}

#[test]
fn appraisal_refusals_name_the_knob() {
    let Some((report, bundle, ark)) = milan_set() else {
        return;
    };
    let t = trust_ark(&ark);
    let mut p = SnpPolicy::default();
    p.set_knob("platform_info_forbid", "smt_enabled").unwrap();
    p.set_knob("min_tcb_snp", "9").unwrap();
    let r = run_native(
        &SnpVerifier::new(p),
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(r.failure(), Some("platform_policy_failed"));
    let reasons: Vec<_> = r
        .ledger
        .entries()
        .iter()
        .filter(|e| e.field == "platform_state")
        .map(|e| e.reason.clone())
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}"); // forbid smt + snp 8<9 on REPORTED and COMMITTED
    assert!(
        reasons[0].starts_with("sev_snp.platform_info_forbid: platform policy forbids smt_enabled")
    );
    assert!(
        reasons[1]
            .starts_with("sev_snp.min_tcb_snp: REPORTED_TCB component 8 is below the minimum 9")
    );
    // Passing knobs.
    let mut p = SnpPolicy::default();
    for (k, val) in [
        ("platform_info_require", "smt_enabled"),
        ("platform_info_reject_unrecognized_bits", "true"),
        ("min_tcb_snp", "8"),
        ("min_tcb_microcode", "115"),
        ("min_tcb_bootloader", "3"),
        ("min_firmware", "1.52.4"),
        ("vmpl", "0"),
        ("smt", "require"),
        ("migrate_ma", "forbid"),
    ] {
        p.set_knob(k, val).unwrap();
    }
    p.set_knob("measurements", &hex(&report[0x90..0xC0]))
        .unwrap();
    let r = run_native(
        &SnpVerifier::new(p),
        &report,
        Some(&bundle),
        Some(&rd(&report)),
        Some(MILAN_MEASUREMENT_CLAIM),
        &t,
    );
    assert_eq!(r.hw(), Outcome::Verified, "{:?}", r.ledger);
}

#[test]
fn real_turin_vcek_chains_to_turin_ark() {
    // No real Turin report exists: a synthetic one (Turin CPUID, the VCEK's
    // SPLs in the Turin layout, its 8-byte hwID) gets through chain
    // validation to the Turin ARK and then fails the signature.
    let (Some(vcek), Some(chain), Some(ark), Some(milan_ark)) = (
        read("hardware/sev-crate-milan-turin/vcek_turin.der"),
        read("hardware/sev-crate-milan-turin/cert_chain_turin"),
        read("hardware/sev-crate-milan-turin/turin_ark.pem"),
        read("hardware/sev-crate-milan-turin/milan_ark.pem"),
    ) else {
        return;
    };
    let mut bundle = der_to_pem(&vcek);
    bundle.extend_from_slice(&chain);
    let mut r = vec![0u8; 1184];
    r[0] = 3;
    r[0x0A] = 0x03; // POLICY 0x30000
    r[0x34] = 1;
    r[0x188] = 0x1A;
    r[0x189] = 0x02;
    for off in [0x38, 0x180, 0x1E0, 0x1F0] {
        r[off + 7] = 9; // fmc 0, bl 0, tee 0, snp 0, ucode 9
    }
    r[0x1A0..0x1A8].copy_from_slice(&[0x1e, 0x55, 0x0a, 0x8e, 0xe5, 0xcf, 0x9f, 0x4d]);
    r[0x2A0] = 1;
    r[0x2A0 + 0x48] = 1;
    let run = |ark: &[u8]| {
        run_native(
            &SnpVerifier::default(),
            &r,
            Some(&bundle),
            Some(&r[0x50..0x90]),
            None,
            &trust_ark(ark),
        )
    };
    let o = run(&ark);
    assert_eq!(
        o.ledger.outcome_of("vcek_cert_chain"),
        Some(Outcome::Verified),
        "{:?}",
        o.ledger
    );
    assert_eq!(o.failure(), Some("report_signature_invalid"));
    let o = run(&milan_ark);
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
    // Extension agreement on the real Turin VCEK (fmcSPL, 8-byte hwID).
    use cmcp_sev_snp::authenticate::check_vcek_extensions;
    use cmcp_sev_snp::parse::{AttestationReport, Generation, TcbLayout};
    let cert = cmcp_x509::Certificate::from_der(&vcek).unwrap();
    let rep = AttestationReport::parse(&r).unwrap();
    let (g, layout) = check_vcek_extensions(&rep, &cert, false).unwrap();
    assert_eq!((g, layout), (Some(Generation::Turin), TcbLayout::Turin));
    let mut r2 = r.clone();
    r2[0x180] = 1; // fmc 1 in REPORTED_TCB, the VCEK says 0
    let e =
        check_vcek_extensions(&AttestationReport::parse(&r2).unwrap(), &cert, false).unwrap_err();
    assert!(e.to_string().contains("fmcSPL"), "{e}");
    let mut r3 = r.clone();
    r3[0x1A8] = 1; // a non-zero byte after the 8-byte Turin chip id
    assert!(check_vcek_extensions(&AttestationReport::parse(&r3).unwrap(), &cert, false).is_err());
    // The real Milan VCEK against the real Milan report.
    let milan = AttestationReport::parse(&milan_report().unwrap()).unwrap();
    let mcert = cmcp_x509::Certificate::from_der(&milan_vcek().unwrap()).unwrap();
    assert_eq!(
        check_vcek_extensions(&milan, &mcert, false).unwrap(),
        (Some(Generation::Milan), TcbLayout::MilanGenoa)
    );
    // ...and the Milan VCEK against the Turin-shaped report.
    assert!(check_vcek_extensions(&rep, &mcert, false).is_err());
}
