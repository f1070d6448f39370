//! TCB status from the dcap-qvl sample collateral.
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
use cmcp_tdx::authenticate::*;
use cmcp_tdx::collateral::*;
use cmcp_tdx::parse::*;
use common::*;

fn ts(s: &str) -> cmcp_policy::Timestamp {
    cmcp_policy::Timestamp::parse_rfc3339(s).unwrap()
}

fn builtin() -> Vec<cmcp_x509::Certificate> {
    pinned_roots(&cmcp_policy::TrustInputs {
        builtin_roots: true,
        ..Default::default()
    })
    .unwrap()
}

fn run(
    quote: &str,
    col: &str,
    now: &str,
) -> Option<(TdQuote, Collateral, Result<TcbEvaluation, CollateralError>)> {
    let raw = read(quote)?;
    let cj = read(col)?;
    let q = TdQuote::parse(&raw).unwrap();
    let c = Collateral::from_json(&cj).unwrap();
    let roots = builtin();
    let now = ts(now);
    c.verify(&roots, now).unwrap();
    let chain = pck_chain(&q).unwrap();
    verify_pck_chain(&chain, &roots, now, c.crls()).unwrap();
    let ext = chain[0]
        .extension_value(cmcp_x509::oids::INTEL_SGX_EXTENSIONS)
        .unwrap();
    let pck = cmcp_tdx::pck::parse_sgx_extension(ext).unwrap();
    let e = evaluate(&q, &pck, &c);
    Some((q, c, e))
}

#[test]
fn v4_sample_is_up_to_date() {
    let Some((q, c, e)) = run(QVL_QUOTE, QVL_COLLATERAL, "2025-07-01T00:00:00Z") else {
        return;
    };
    let e = e.unwrap();
    assert_eq!(hex(&e.fmspc), "b0c06f000000");
    assert_eq!(e.status, TcbStatus::UpToDate);
    assert_eq!(e.platform_status, TcbStatus::UpToDate);
    assert_eq!(e.qe_status, TcbStatus::UpToDate);
    assert!(e.advisory_ids.is_empty());
    assert_eq!(e.tcb_evaluation_data_number, Some(17));
    assert_eq!(c.tcb_info.issue_date, ts("2025-06-19T10:16:03Z"));
    assert_eq!(c.tcb_info.next_update, ts("2025-07-19T10:16:03Z"));
    assert_eq!(c.qe_identity.isv_prod_id, 2);
    assert_eq!(q.qe_report.isv_prod_id, 2);
}

#[test]
fn v5_sample_is_below_every_tcb_level() {
    // dcap-qvl 0.7.1 itself answers "No matching TCB level found" for this
    // pair (its own test only passes with a TCB override): the PCK leaf's
    // SGX component 7 (SEAMLDR ACM) is 3 and every level needs 5.
    let Some((q, c, e)) = run(
        QVL_OUTDATED,
        QVL_OUTDATED_COLLATERAL,
        "2026-03-01T00:00:00Z",
    ) else {
        return;
    };
    assert_eq!(q.body_type, BodyType::Td15);
    assert_eq!(c.tcb_info.tcb_evaluation_data_number, Some(18));
    assert_eq!(hex(&c.tcb_info.fmspc), "90c06f000000");
    assert_eq!(c.tcb_info.levels.len(), 3);
    assert_eq!(c.tcb_info.levels[1].status, TcbStatus::OutOfDate);
    assert_eq!(
        c.tcb_info.levels[1].advisory_ids,
        [
            "INTEL-SA-01036",
            "INTEL-SA-01079",
            "INTEL-SA-01099",
            "INTEL-SA-01103",
            "INTEL-SA-01111"
        ]
    );
    let e = e.unwrap_err();
    assert_eq!(e.field, CollateralField::TcbStatus);
    assert!(e.message.contains("no TCB level"), "{e}");
}

#[test]
fn v5_sample_with_a_lower_seamldr_requirement_is_out_of_date() {
    // Lower the SEAMLDR requirement of every level to the platform's 3 (the
    // signature no longer covers it, so only `evaluate` is exercised): the
    // launch TCB (TDX late microcode 3) meets level 0 and its TDX module
    // (ISVSVN 7 ≥ 6) is UpToDate, so the result is UpToDate; with the
    // microcode component requirement of level 0 raised to 4 it is the
    // OutOfDate level 1 with its advisories.
    let (Some(raw), Some(cj)) = (read(QVL_OUTDATED), read(QVL_OUTDATED_COLLATERAL)) else {
        return;
    };
    let q = TdQuote::parse(&raw).unwrap();
    let mut c = Collateral::from_json(&cj).unwrap();
    for l in &mut c.tcb_info.levels {
        l.sgx_components[7] = 3;
    }
    let chain = pck_chain(&q).unwrap();
    let pck = cmcp_tdx::pck::parse_sgx_extension(
        chain[0]
            .extension_value(cmcp_x509::oids::INTEL_SGX_EXTENSIONS)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(pck.sgx_tcb_components[7], 3);
    let e = evaluate(&q, &pck, &c).unwrap();
    assert_eq!(e.status, TcbStatus::UpToDate);
    assert_eq!(e.module_status, Some(TcbStatus::UpToDate));
    c.tcb_info.levels[0].tdx_components[2] = 4;
    let e = evaluate(&q, &pck, &c).unwrap();
    assert_eq!(e.platform_status, TcbStatus::OutOfDate);
    assert_eq!(e.status, TcbStatus::OutOfDate);
    for id in [
        "INTEL-SA-01036",
        "INTEL-SA-01079",
        "INTEL-SA-01099",
        "INTEL-SA-01103",
        "INTEL-SA-01111",
    ] {
        assert!(
            e.advisory_ids.iter().any(|a| a == id),
            "missing {id} in {:?}",
            e.advisory_ids
        );
    }
}

#[test]
fn collateral_outside_its_window_is_refused() {
    let (Some(cj), Some(_)) = (read(QVL_COLLATERAL), read(QVL_QUOTE)) else {
        return;
    };
    let c = Collateral::from_json(&cj).unwrap();
    let roots = builtin();
    let late = c.verify(&roots, ts("2025-08-01T00:00:00Z")).unwrap_err();
    assert_eq!(late.field, CollateralField::TcbStatus);
    let early = c.verify(&roots, ts("2025-06-01T00:00:00Z")).unwrap_err();
    assert_eq!(early.field, CollateralField::TcbStatus);
}

#[test]
fn collateral_signature_tamper_is_refused() {
    let Some(cj) = read(QVL_COLLATERAL) else {
        return;
    };
    let text = String::from_utf8(cj).unwrap();
    let now = ts("2025-07-01T00:00:00Z");
    let roots = builtin();
    // TCB info text altered (a status flipped) — signature fails.
    let t = text.replacen(
        r#"\"tcbStatus\":\"OutOfDate\""#,
        r#"\"tcbStatus\":\"UpToDate\""#,
        1,
    );
    assert_ne!(t, text);
    let c = Collateral::from_json(t.as_bytes()).unwrap();
    let e = c.verify(&roots, now).unwrap_err();
    assert_eq!(e.field, CollateralField::TcbStatus);
    assert!(e.message.contains("TCB info signature"), "{e}");
    // QE identity text altered.
    let t = text.replacen(r#"\"isvprodid\":2"#, r#"\"isvprodid\":3"#, 1);
    assert_ne!(t, text);
    let c = Collateral::from_json(t.as_bytes()).unwrap();
    let e = c.verify(&roots, now).unwrap_err();
    assert_eq!(e.field, CollateralField::QeIdentity);
    // Another root pinned: nothing verifies.
    let Some(raw) = read(GCP_QUOTE) else { return };
    let chain = pck_chain(&TdQuote::parse(&raw).unwrap()).unwrap();
    let c = Collateral::from_json(text.as_bytes()).unwrap();
    assert!(c.verify(&chain[1..2], now).is_err());
}

#[test]
fn collateral_for_another_fmspc_is_refused() {
    let Some((_, _, e)) = run(QVL_QUOTE, QVL_COLLATERAL, "2025-07-01T00:00:00Z") else {
        return;
    };
    e.unwrap();
    // The v4 quote against the v5 quote's collateral: FMSPC mismatch.
    let (Some(raw), Some(cj)) = (read(QVL_QUOTE), read(QVL_OUTDATED_COLLATERAL)) else {
        return;
    };
    let q = TdQuote::parse(&raw).unwrap();
    let c = Collateral::from_json(&cj).unwrap();
    let chain = pck_chain(&q).unwrap();
    let pck = cmcp_tdx::pck::parse_sgx_extension(
        chain[0]
            .extension_value(cmcp_x509::oids::INTEL_SGX_EXTENSIONS)
            .unwrap(),
    )
    .unwrap();
    let e = evaluate(&q, &pck, &c).unwrap_err();
    assert!(e.message.contains("FMSPC"), "{e}");
}

#[test]
fn collateral_json_is_strict() {
    let Some(cj) = read(QVL_COLLATERAL) else {
        return;
    };
    let v = String::from_utf8(cj).unwrap();
    let extra = v.replacen('{', r#"{"extra":"x","#, 1);
    assert!(
        Collateral::from_json(extra.as_bytes())
            .unwrap_err()
            .message
            .contains("unknown member")
    );
    let wrong = v.replacen(
        r#""tcb_info_signature": ""#,
        r#""tcb_info_signature": "zz"#,
        1,
    );
    if wrong != v {
        assert!(Collateral::from_json(wrong.as_bytes()).is_err());
    }
}
