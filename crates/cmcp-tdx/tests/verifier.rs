//! The `intel-tdx` PlatformVerifier end to end.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

mod common;
use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_tdx::appraise::TdxPolicy;
use cmcp_tdx::collateral::Collateral;
use cmcp_tdx::parse::TdQuote;
use cmcp_tdx::{TdxVerifier, measurement_of};
use common::*;

const GCP_MEASUREMENT: &str = "sha384:c47533a15e33e083ccacf8c310838f12b551fac203a15a1565fe350e70ecfb9cc9a6fc031e40c7a21503cd1dfaf6be13";

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

#[derive(Clone)]
struct Case<'a> {
    raw: &'a [u8],
    nonce: Option<&'a [u8]>,
    measurement: Option<&'a str>,
    trust: TrustInputs,
    now: &'a str,
}

fn run(v: &TdxVerifier, c: &Case<'_>) -> Ledger {
    let input = EvidenceInput {
        platform: "intel-tdx",
        claimed_measurement: c.measurement,
        nonce: c.nonce,
        raw_evidence: Some(c.raw),
        ..Default::default()
    };
    let ctx = VerifyContext {
        now: ts(c.now),
        future_skew_seconds: 300,
        trust: &c.trust,
    };
    let mut l = Ledger::new();
    v.verify(&input, &ctx, &mut l);
    let n = l
        .entries()
        .iter()
        .filter(|e| e.field == "hardware_attestation")
        .count();
    assert_eq!(
        n,
        1,
        "exactly one hardware_attestation entry: {:#?}",
        l.entries()
    );
    l
}

fn own_root(raw: &[u8]) -> TrustInputs {
    let q = TdQuote::parse(raw).unwrap();
    let chain = cmcp_tdx::authenticate::pck_chain(&q).unwrap();
    TrustInputs {
        intel_root: vec![chain.last().unwrap().der().to_vec()],
        ..Default::default()
    }
}

fn builtin() -> TrustInputs {
    TrustInputs {
        builtin_roots: true,
        ..Default::default()
    }
}

fn o(l: &Ledger, f: &str) -> Option<Outcome> {
    l.outcome_of(f)
}

#[test]
fn gcp_quotes_verify_with_their_own_root() {
    for rel in [GCP_QUOTE, GCP_QUOTE_MANIFEST] {
        let Some(raw) = read(rel) else { return };
        let q = TdQuote::parse(&raw).unwrap();
        let nonce = q.body.report_data;
        let c = Case {
            raw: &raw,
            nonce: Some(&nonce),
            measurement: Some(GCP_MEASUREMENT),
            trust: own_root(&raw),
            now: "2026-08-01T00:00:00Z",
        };
        let l = run(
            &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
            &c,
        );
        for f in [
            "measurement",
            "report_data",
            "dcap_quote_signature",
            "pck_chain",
            "td_attributes",
            "qe_vendor_id",
            "hardware_attestation",
        ] {
            assert_eq!(
                o(&l, f),
                Some(Outcome::Verified),
                "{rel} {f}: {:#?}",
                l.entries()
            );
        }
        assert_eq!(o(&l, "tcb_status"), Some(Outcome::NotEstablished));
        assert_eq!(o(&l, "qe_identity"), Some(Outcome::NotEstablished));
        assert_eq!(o(&l, "mrtd"), Some(Outcome::NotChecked));
        assert_eq!(
            l.details().get("tcb_status").map(String::as_str),
            Some("requires_intel_pcs_collateral_by_fmspc")
        );
        assert_eq!(
            l.details().get("tdx_evidence").map(String::as_str),
            Some("quote_v4")
        );
        assert!(!l.has_failure());
        // Also with the builtin root, and with the same root pinned twice over.
        let mut t = own_root(&raw);
        t.builtin_roots = true;
        let l = run(
            &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
            &Case {
                trust: t,
                ..c.clone()
            },
        );
        assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::Verified));
    }
}

#[test]
fn gcp_quote_pins_and_refusals() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    let q = TdQuote::parse(&raw).unwrap();
    let nonce = q.body.report_data;
    let base = || Case {
        raw: &raw,
        nonce: Some(&nonce),
        measurement: Some(GCP_MEASUREMENT),
        trust: builtin(),
        now: "2026-08-01T00:00:00Z",
    };
    // Pinned MRTD and RTMRs match.
    let p = TdxPolicy::default()
        .require_collateral(false)
        .expect_mrtd(q.body.mr_td)
        .expect_rtmr(0, q.body.rtmr[0])
        .expect_mrseam(q.body.mr_seam);
    let l = run(&TdxVerifier::new(p), &base());
    assert_eq!(o(&l, "mrtd"), Some(Outcome::Verified));
    assert_eq!(o(&l, "rtmrs"), Some(Outcome::Verified));
    assert_eq!(o(&l, "mrseam"), Some(Outcome::Verified));
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::Verified));
    // A wrong RTMR pin fails and names the knob.
    let l = run(
        &TdxVerifier::new(
            TdxPolicy::default()
                .require_collateral(false)
                .expect_rtmr(1, [0; 48]),
        ),
        &base(),
    );
    assert_eq!(o(&l, "rtmrs"), Some(Outcome::Failed));
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::Failed));
    assert!(
        l.details()["tdx_failure"].contains("tdx.rtmr1"),
        "{:?}",
        l.details()
    );
    // The default policy requires collateral: without it the TCB status is
    // unknown, so the quote is authentic but not established (never verified).
    let l = run(&TdxVerifier::new(TdxPolicy::default()), &base());
    assert_eq!(o(&l, "tcb_status"), Some(Outcome::NotEstablished));
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::NotEstablished));
    assert_eq!(l.failure_reason(), None);
    // No root pinned: authentic but not established.
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &Case {
            trust: TrustInputs::default(),
            ..base()
        },
    );
    assert_eq!(o(&l, "dcap_quote_signature"), Some(Outcome::Verified));
    assert_eq!(o(&l, "pck_chain"), Some(Outcome::NotEstablished));
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::NotEstablished));
    assert!(!l.has_failure());
    // Another root pinned (the platform CA): chain fails.
    let chain = cmcp_tdx::authenticate::pck_chain(&q).unwrap();
    let other = TrustInputs {
        intel_root: vec![chain[1].der().to_vec()],
        ..Default::default()
    };
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &Case {
            trust: other,
            ..base()
        },
    );
    assert_eq!(o(&l, "pck_chain"), Some(Outcome::Failed));
    assert_eq!(l.details()["tdx_failure"], "pck_chain_invalid");
    // Garbage pinned root.
    let bad = TrustInputs {
        intel_root: vec![
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
        ],
        ..Default::default()
    };
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &Case {
            trust: bad,
            ..base()
        },
    );
    assert!(l.details()["tdx_failure"].starts_with("intel_root_parse_error: "));
    // Outside the PCK leaf's validity.
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &Case {
            now: "2026-05-01T00:00:00Z",
            ..base()
        },
    );
    assert_eq!(o(&l, "pck_chain"), Some(Outcome::Failed));
}

#[test]
fn binding_failures() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    let q = TdQuote::parse(&raw).unwrap();
    let nonce = q.body.report_data;
    let mut wrong = nonce;
    wrong[40] ^= 1;
    let c = Case {
        raw: &raw,
        nonce: Some(&wrong),
        measurement: Some(GCP_MEASUREMENT),
        trust: builtin(),
        now: "2026-08-01T00:00:00Z",
    };
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &c,
    );
    assert_eq!(o(&l, "report_data"), Some(Outcome::Failed));
    assert_eq!(l.details()["tdx_failure"], "report_data_mismatch");
    assert_eq!(l.details()["report_data_actual"], hex(&nonce[..16]));
    // A 32-byte nonce is not padded.
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &Case {
            nonce: Some(&nonce[..32]),
            ..c.clone()
        },
    );
    assert_eq!(o(&l, "report_data"), Some(Outcome::Failed));
    // The raw MRTD hex is not the measurement convention.
    let raw_mrtd = format!("sha384:{}", hex(&q.body.mr_td));
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &Case {
            raw: &raw,
            nonce: Some(&nonce),
            measurement: Some(&raw_mrtd),
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        },
    );
    assert_eq!(o(&l, "measurement"), Some(Outcome::Failed));
    assert_eq!(l.details()["tdx_failure"], "measurement_mismatch");
    assert_eq!(
        l.details()["computed_prefix"],
        "sha384:c47533a15e33e083c..."
    );
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &Case {
            raw: &raw,
            nonce: Some(&nonce),
            measurement: Some("sha256:00"),
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        },
    );
    assert_eq!(l.details()["tdx_failure"], "invalid_measurement_format");
    let upper = GCP_MEASUREMENT.to_uppercase().replace("SHA384", "sha384");
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &Case {
            raw: &raw,
            nonce: Some(&nonce),
            measurement: Some(&upper),
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        },
    );
    assert_eq!(l.details()["tdx_failure"], "invalid_measurement_format");
}

#[test]
fn tamper_sweep_never_verifies() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    let q = TdQuote::parse(&raw).unwrap();
    let nonce = q.body.report_data;
    let v = TdxVerifier::new(TdxPolicy::default().require_collateral(false));
    // Signed region, quote signature, attestation key, QE report, its signature, auth data.
    let positions: Vec<usize> = (0..632)
        .step_by(3)
        .chain(636..764)
        .chain((770..1252).step_by(5))
        .collect();
    for i in positions {
        let mut b = raw.clone();
        b[i] ^= 0x10;
        let c = Case {
            raw: &b,
            nonce: Some(&nonce),
            measurement: None,
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        };
        let l = run(&v, &c);
        assert_eq!(
            o(&l, "hardware_attestation"),
            Some(Outcome::Failed),
            "byte {i}"
        );
        assert_ne!(
            o(&l, "dcap_quote_signature"),
            Some(Outcome::Verified),
            "byte {i}"
        );
    }
    let mut b = raw.clone();
    b[100] ^= 1;
    let l = run(
        &v,
        &Case {
            raw: &b,
            nonce: Some(&nonce),
            measurement: None,
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        },
    );
    assert_eq!(l.details()["tdx_failure"], "quote_signature_invalid");
    let mut b = raw.clone();
    b[1230] ^= 1;
    let l = run(
        &v,
        &Case {
            raw: &b,
            nonce: Some(&nonce),
            measurement: None,
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        },
    );
    assert_eq!(
        l.details()["tdx_failure"],
        "attestation_key_not_bound_to_qe"
    );
    let mut b = raw.clone();
    b[900] ^= 1;
    let l = run(
        &v,
        &Case {
            raw: &b,
            nonce: Some(&nonce),
            measurement: None,
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        },
    );
    assert_eq!(l.details()["tdx_failure"], "qe_report_signature_invalid");
}

#[test]
fn malformed_quotes_are_typed_failures() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    let v = TdxVerifier::new(TdxPolicy::default().require_collateral(false));
    for n in (0..4935).step_by(11) {
        let c = Case {
            raw: &raw[..n],
            nonce: None,
            measurement: None,
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        };
        let l = run(&v, &c);
        assert_eq!(
            o(&l, "hardware_attestation"),
            Some(Outcome::Failed),
            "length {n}"
        );
    }
    // truncated certification block: C shortened
    let mut b = raw[..4935].to_vec();
    b[766..770].copy_from_slice(&400u32.to_le_bytes());
    let l = run(
        &v,
        &Case {
            raw: &b,
            nonce: None,
            measurement: None,
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        },
    );
    assert!(
        l.details()["tdx_failure"]
            .starts_with("quote_parse_error: truncated QE certification data"),
        "{:?}",
        l.details()
    );
    // overrunning signature-data length
    let mut b = raw[..4935].to_vec();
    b[632..636].copy_from_slice(&9999u32.to_le_bytes());
    let l = run(
        &v,
        &Case {
            raw: &b,
            nonce: None,
            measurement: None,
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        },
    );
    assert_eq!(
        l.details()["tdx_failure"],
        "quote_parse_error: quote declares 9999 bytes of signature data, 4299 available"
    );
    // type-6 tag read where the type-5 block sits
    let mut b = raw.clone();
    b[764..766].copy_from_slice(&5u16.to_le_bytes());
    let l = run(
        &v,
        &Case {
            raw: &b,
            nonce: None,
            measurement: None,
            trust: builtin(),
            now: "2026-08-01T00:00:00Z",
        },
    );
    assert_eq!(
        l.details()["tdx_failure"],
        "quote_parse_error: unexpected certification data type 5 (expected QE report)"
    );
}

#[test]
fn dcap_qvl_v4_with_collateral_is_up_to_date() {
    let (Some(raw), Some(cj)) = (read(QVL_QUOTE), read(QVL_COLLATERAL)) else {
        return;
    };
    let q = TdQuote::parse(&raw).unwrap();
    let nonce = q.body.report_data;
    let m = measurement_of(&q.body.mr_td);
    let v = TdxVerifier::new(TdxPolicy::default().require_collateral(false))
        .with_collateral(Collateral::from_json(&cj).unwrap());
    let c = Case {
        raw: &raw,
        nonce: Some(&nonce),
        measurement: Some(&m),
        trust: builtin(),
        now: "2025-07-01T00:00:00Z",
    };
    let l = run(&v, &c);
    for f in [
        "measurement",
        "report_data",
        "dcap_quote_signature",
        "pck_chain",
        "tcb_status",
        "qe_identity",
        "td_attributes",
        "hardware_attestation",
    ] {
        assert_eq!(o(&l, f), Some(Outcome::Verified), "{f}: {:#?}", l.entries());
    }
    assert_eq!(l.details()["tcb_status"], "UpToDate");
    assert_eq!(l.details()["advisory_ids"], "");
    assert_eq!(l.details()["fmspc"], "b0c06f000000");
    // Collateral past its nextUpdate: refused.
    let l = run(
        &v,
        &Case {
            now: "2025-08-01T00:00:00Z",
            ..c.clone()
        },
    );
    assert_eq!(o(&l, "tcb_status"), Some(Outcome::Failed));
    assert!(
        l.details()["tdx_failure"].starts_with("tcb_collateral_invalid: "),
        "{:?}",
        l.details()
    );
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::Failed));
}

#[test]
fn dcap_qvl_v5_with_collateral_is_refused() {
    let (Some(raw), Some(cj)) = (read(QVL_OUTDATED), read(QVL_OUTDATED_COLLATERAL)) else {
        return;
    };
    let q = TdQuote::parse(&raw).unwrap();
    let nonce = q.body.report_data;
    let v = TdxVerifier::new(TdxPolicy::default().require_collateral(false))
        .with_collateral(Collateral::from_json(&cj).unwrap());
    let c = Case {
        raw: &raw,
        nonce: Some(&nonce),
        measurement: None,
        trust: builtin(),
        now: "2026-03-01T00:00:00Z",
    };
    let l = run(&v, &c);
    assert_eq!(l.details()["tdx_evidence"], "quote_v5");
    assert_eq!(o(&l, "dcap_quote_signature"), Some(Outcome::Verified));
    assert_eq!(o(&l, "pck_chain"), Some(Outcome::Verified));
    assert_eq!(o(&l, "tcb_status"), Some(Outcome::Failed));
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::Failed));
    assert!(
        l.details()["tdx_failure"].starts_with("tcb_status_unacceptable: no TCB level"),
        "{:?}",
        l.details()
    );
    // Without collateral the v5 quote authenticates.
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)),
        &c,
    );
    assert_eq!(
        o(&l, "hardware_attestation"),
        Some(Outcome::Verified),
        "{:#?}",
        l.entries()
    );
}

fn synthetic_report(nonce: &[u8; 64]) -> Vec<u8> {
    let mut r = vec![0u8; 1024];
    r[0] = 0x81;
    for i in 0..48 {
        r[0x210 + i] = i as u8;
    }
    r[0x80..0xc0].copy_from_slice(nonce);
    r[0x203] = 0x10; // SEPT_VE_DISABLE
    r
}

#[test]
fn bare_tdreport_is_checked_but_not_attested() {
    let mut nonce = [0u8; 64];
    for (i, b) in nonce.iter_mut().enumerate() {
        *b = 0xa0 ^ i as u8;
    }
    let r = synthetic_report(&nonce);
    let mrtd: [u8; 48] = core::array::from_fn(|i| i as u8);
    let m = measurement_of(&mrtd);
    let v = TdxVerifier::new(TdxPolicy::default().require_collateral(false));
    let c = Case {
        raw: &r,
        nonce: Some(&nonce),
        measurement: Some(&m),
        trust: builtin(),
        now: "2026-08-01T00:00:00Z",
    };
    let l = run(&v, &c);
    assert_eq!(o(&l, "measurement"), Some(Outcome::Verified));
    assert_eq!(o(&l, "report_data"), Some(Outcome::Verified));
    assert_eq!(o(&l, "td_attributes"), Some(Outcome::Verified));
    assert_eq!(o(&l, "dcap_quote_signature"), Some(Outcome::NotEstablished));
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::NotEstablished));
    assert_eq!(l.details()["tdx_evidence"], "tdreport");
    assert!(!l.has_failure());
    // Regression guards (§2.1): bytes at the old MRTD offset 0x90 are nonce[16..64].
    assert_eq!(&r[0x90..0xc0], &nonce[16..64]);
    // (a) changing REPORTDATA does not move the measurement
    let mut r2 = r.clone();
    r2[0x80..0xc0].fill(0x55);
    let l = run(
        &v,
        &Case {
            raw: &r2,
            nonce: Some(&[0x55; 64]),
            ..c.clone()
        },
    );
    assert_eq!(o(&l, "measurement"), Some(Outcome::Verified));
    // (b) changing MRTD does
    let mut r3 = r.clone();
    r3[0x220] ^= 1;
    let l = run(
        &v,
        &Case {
            raw: &r3,
            ..c.clone()
        },
    );
    assert_eq!(o(&l, "measurement"), Some(Outcome::Failed));
    // (c) a nonce at 0x08 instead of 0x80 fails report_data
    let mut r4 = vec![0u8; 1024];
    r4[0] = 0x81;
    r4[0x203] = 0x10;
    r4[0x08..0x48].copy_from_slice(&nonce);
    let l = run(
        &v,
        &Case {
            raw: &r4,
            measurement: None,
            ..c.clone()
        },
    );
    assert_eq!(o(&l, "report_data"), Some(Outcome::Failed));
    assert_eq!(l.details()["tdx_failure"], "report_data_mismatch");
    // raw MRTD as measurement
    let raw_mrtd = format!("sha384:{}", hex(&mrtd));
    let l = run(
        &v,
        &Case {
            measurement: Some(&raw_mrtd),
            ..c.clone()
        },
    );
    assert_eq!(l.details()["tdx_failure"], "measurement_mismatch");
    // 1000 bytes
    let l = run(
        &v,
        &Case {
            raw: &r[..1000],
            ..c.clone()
        },
    );
    assert_eq!(l.details()["tdx_failure"], "raw_evidence_parse_error");
    assert_eq!(l.details()["raw_evidence_size"], "1000");
    // A debug TD is refused by default, accepted when allowed.
    let mut d = r.clone();
    d[0x200] = 0x01;
    let l = run(
        &v,
        &Case {
            raw: &d,
            ..c.clone()
        },
    );
    assert_eq!(o(&l, "td_attributes"), Some(Outcome::Failed));
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::Failed));
    assert!(
        l.details()["tdx_failure"].contains("tdx.allow_debug"),
        "{:?}",
        l.details()
    );
    let l = run(
        &TdxVerifier::new(
            TdxPolicy::default()
                .require_collateral(false)
                .allow_debug(true),
        ),
        &Case {
            raw: &d,
            ..c.clone()
        },
    );
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::NotEstablished));
}

#[test]
fn absent_evidence_and_other_platforms() {
    let v = TdxVerifier::new(TdxPolicy::default().require_collateral(false));
    assert!(v.supports("intel-tdx") && !v.supports("amd-sev-snp"));
    let trust = TrustInputs::default();
    let ctx = VerifyContext {
        now: ts("2026-08-01T00:00:00Z"),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let mut l = Ledger::new();
    v.verify(
        &EvidenceInput {
            platform: "intel-tdx",
            ..Default::default()
        },
        &ctx,
        &mut l,
    );
    assert_eq!(o(&l, "hardware_attestation"), Some(Outcome::NotEstablished));
    assert_eq!(l.entries().len(), 1);
    let doc = cmcp_json::parse(br#"{"tdx":{"allow_debug":true}}"#).unwrap();
    assert!(
        TdxVerifier::from_policy_json(Some(&doc))
            .unwrap()
            .policy()
            .allow_debug
    );
}

#[test]
fn qe_identity_and_tcb_policy_failures_name_their_field() {
    let (Some(raw), Some(cj)) = (read(QVL_QUOTE), read(QVL_COLLATERAL)) else {
        return;
    };
    let q = TdQuote::parse(&raw).unwrap();
    let nonce = q.body.report_data;
    let c = Case {
        raw: &raw,
        nonce: Some(&nonce),
        measurement: None,
        trust: builtin(),
        now: "2025-07-01T00:00:00Z",
    };
    // A QE identity naming another MRSIGNER (parsed value altered after the
    // signature check would have passed on the text).
    let mut col = Collateral::from_json(&cj).unwrap();
    col.qe_identity.mr_signer[0] ^= 1;
    let l = run(
        &TdxVerifier::new(TdxPolicy::default().require_collateral(false)).with_collateral(col),
        &c,
    );
    assert_eq!(o(&l, "qe_identity"), Some(Outcome::Failed));
    assert!(
        l.details()["tdx_failure"].starts_with("qe_identity_mismatch: QE MRSIGNER"),
        "{:?}",
        l.details()
    );
    // UpToDate not in the accepted list.
    let col = Collateral::from_json(&cj).unwrap();
    let p = TdxPolicy::default()
        .require_collateral(false)
        .accept_tcb_statuses(&[cmcp_tdx::collateral::TcbStatus::SWHardeningNeeded]);
    let l = run(&TdxVerifier::new(p).with_collateral(col), &c);
    assert_eq!(o(&l, "tcb_status"), Some(Outcome::Failed));
    assert_eq!(
        l.details()["tdx_failure"],
        "tcb_status_unacceptable: UpToDate"
    );
    assert!(
        l.entries()
            .iter()
            .any(|e| e.reason.contains("tdx.accepted_tcb_statuses"))
    );
}
