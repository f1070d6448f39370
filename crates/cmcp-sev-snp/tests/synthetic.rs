//! Synthetic chains from our own test CA (RSA-PSS and PKCS#1 ARK/ASK, P-384
//! VCEK/VLEK) reaching every authentication failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod synth;
use cmcp_policy::Outcome;
use cmcp_sev_snp::{SnpPolicy, SnpVerifier};
use synth::*;

fn ok(o: &Out) {
    assert_eq!(o.hw(), Outcome::Verified, "{:?}", o.ledger);
}

#[test]
fn pss_chain_verifies() {
    let r = Spec::milan().signed("vcek");
    let o = run(
        &SnpVerifier::default(),
        &r,
        &bundle(&["vcek", "ask", "ark"]),
        "ark",
    );
    ok(&o);
    assert_eq!(o.detail("snp_product"), "Milan");
    assert_eq!(o.detail("platform_info"), "0x25");
    assert_eq!(o.detail("snp_report_version"), "3");
    assert!(o.ledger.outcome_of("measurement") == Some(Outcome::NotChecked));
}

#[test]
fn pkcs1_chain_verifies_unless_amd_pss_required() {
    let r = Spec::milan().signed("vcek");
    let b = bundle(&["vcek_p1", "ask_p1", "ark_p1"]);
    ok(&run(&SnpVerifier::default(), &r, &b, "ark_p1"));
    let mut p = SnpPolicy::default();
    p.set_knob("require_amd_pss", "true").unwrap();
    let o = run(&SnpVerifier::new(p.clone()), &r, &b, "ark_p1");
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
    assert!(
        o.detail("vcek_chain").contains("require_amd_pss"),
        "{}",
        o.detail("vcek_chain")
    );
    ok(&run(
        &SnpVerifier::new(p),
        &r,
        &bundle(&["vcek", "ask", "ark"]),
        "ark",
    ));
}

#[test]
fn wrong_root_same_name_fails() {
    let r = Spec::milan().signed("vcek");
    let o = run(
        &SnpVerifier::default(),
        &r,
        &bundle(&["vcek", "ask", "ark"]),
        "ark_p1",
    );
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
    let o = run(
        &SnpVerifier::default(),
        &r,
        &bundle(&["vcek", "ask"]),
        "ark_p1",
    );
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
}

#[test]
fn vcek_extensions_must_match_report() {
    let r = Spec::milan().signed("vcek");
    for (leaf, what) in [
        ("vcek_badspl", "snpSPL"),
        ("vcek_badhwid", "hwID"),
        ("vcek_genoa", "Genoa"),
    ] {
        let o = run(
            &SnpVerifier::default(),
            &r,
            &bundle(&[leaf, "ask", "ark"]),
            "ark",
        );
        assert_eq!(o.failure(), Some("vcek_extension_mismatch"), "{leaf}");
        assert_eq!(
            o.ledger.outcome_of("vcek_cert_chain"),
            Some(Outcome::Failed)
        );
        assert!(
            o.detail("vcek_chain").contains(what),
            "{leaf}: {}",
            o.detail("vcek_chain")
        );
    }
    // A report claiming a different REPORTED_TCB than the VCEK's SPLs.
    let mut s = Spec::milan();
    s.tcb[6] = 9;
    let o = run(
        &SnpVerifier::default(),
        &s.signed("vcek"),
        &bundle(&["vcek", "ask", "ark"]),
        "ark",
    );
    assert_eq!(o.failure(), Some("vcek_extension_mismatch"));
    // Masked chip id with a VCEK.
    let mut s = Spec::milan();
    s.chip = [0; 64];
    let o = run(
        &SnpVerifier::default(),
        &s.signed("vcek"),
        &bundle(&["vcek", "ask", "ark"]),
        "ark",
    );
    assert_eq!(o.failure(), Some("vcek_extension_mismatch"));
}

#[test]
fn expired_and_constraint_failures() {
    let r = Spec::milan().signed("vcek");
    let o = run(
        &SnpVerifier::default(),
        &r,
        &bundle(&["vcek_old", "ask", "ark"]),
        "ark",
    );
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
    assert!(o.detail("vcek_chain").contains("expired"));
    let o = run(
        &SnpVerifier::default(),
        &r,
        &bundle(&["vcek_nobc", "ask_nobc", "ark"]),
        "ark",
    );
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
    assert!(
        o.detail("vcek_chain").contains("not a CA"),
        "{}",
        o.detail("vcek_chain")
    );
    let o = run(
        &SnpVerifier::default(),
        &r,
        &bundle(&["vcek_noca", "ask_noca", "ark"]),
        "ark",
    );
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
    // Issuer mismatch: VCEK from one PKI, ASK from another with the same names.
    let o = run(
        &SnpVerifier::default(),
        &r,
        &bundle(&["vcek", "ask_p1", "ark_p1"]),
        "ark_p1",
    );
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
}

#[test]
fn p256_vcek_cannot_sign_reports() {
    let r = Spec::milan().signed("vcek");
    let o = run(
        &SnpVerifier::default(),
        &r,
        &bundle(&["vcek_p256", "ask", "ark"]),
        "ark",
    );
    assert_eq!(o.failure(), Some("report_signature_invalid"));
    assert_eq!(
        o.detail("report_signature"),
        "VCEK public key is not EC P-384"
    );
}

#[test]
fn report_signed_by_other_key_fails() {
    let r = Spec::milan().signed("vlek");
    let o = run(
        &SnpVerifier::default(),
        &r,
        &bundle(&["vcek", "ask", "ark"]),
        "ark",
    );
    assert_eq!(o.failure(), Some("report_signature_invalid"));
    assert_eq!(
        o.ledger.outcome_of("vcek_cert_chain"),
        Some(Outcome::Verified)
    );
}

#[test]
fn vlek_with_asvk() {
    let mut s = Spec::milan();
    s.key_info = 1 << 2;
    let r = s.signed("vlek");
    let b = bundle(&["vlek", "asvk", "ark"]);
    ok(&run(&SnpVerifier::default(), &r, &b, "ark"));
    let mut p = SnpPolicy::default();
    p.set_knob("allow_vlek", "false").unwrap();
    let o = run(&SnpVerifier::new(p), &r, &b, "ark");
    assert_eq!(o.failure(), Some("platform_policy_failed"));
    assert!(
        o.ledger
            .entries()
            .iter()
            .any(|e| e.reason.starts_with("sev_snp.allow_vlek:"))
    );
    // KEY_INFO says VCEK but the leaf is a VLEK.
    let r = Spec::milan().signed("vlek");
    let o = run(&SnpVerifier::default(), &r, &b, "ark");
    assert_eq!(o.failure(), Some("vcek_extension_mismatch"));
}

#[test]
fn turin_layout_fmc_and_short_hwid() {
    let r = Spec::turin().signed("vcek_turin");
    let b = bundle(&["vcek_turin", "ask_turin", "ark_turin"]);
    let o = run(&SnpVerifier::default(), &r, &b, "ark_turin");
    ok(&o);
    assert_eq!(o.detail("snp_product"), "Turin");
    let mut p = SnpPolicy::default();
    p.set_knob("min_tcb_fmc", "2").unwrap();
    let o = run(&SnpVerifier::new(p), &r, &b, "ark_turin");
    assert_eq!(o.failure(), Some("platform_policy_failed"));
    assert!(o.ledger.entries().iter().any(|e| {
        e.reason
            .starts_with("sev_snp.min_tcb_fmc: REPORTED_TCB component 1 is below the minimum 2")
    }));
    // v2 report (no CPUID): the layout comes from the VCEK productName.
    let mut s = Spec::turin();
    s.version = 2;
    s.cpuid = None;
    ok(&run(
        &SnpVerifier::default(),
        &s.signed("vcek_turin"),
        &b,
        "ark_turin",
    ));
    // A Turin report chained to a Milan ARK: the product line must agree.
    let o = run(&SnpVerifier::default(), &r, &b, "ark");
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
    // Milan CPUID with a Turin VCEK.
    let mut s = Spec::turin();
    s.cpuid = Some((0x19, 0x01));
    let o = run(
        &SnpVerifier::default(),
        &s.signed("vcek_turin"),
        &b,
        "ark_turin",
    );
    assert_eq!(o.failure(), Some("vcek_extension_mismatch"));
}

#[test]
fn crl_revocation() {
    let r = Spec::milan().signed("vcek");
    let b = bundle(&["vcek", "ask", "ark"]);
    let v = SnpVerifier::default().with_crl(data("ask_revokes_vcek.crl.pem"));
    let o = run(&v, &r, &b, "ark");
    assert_eq!(o.failure(), Some("vcek_chain_invalid"));
    assert!(
        o.detail("vcek_chain").contains("revoked"),
        "{}",
        o.detail("vcek_chain")
    );
    ok(&run(
        &SnpVerifier::default().with_crl(data("ask_empty.crl.pem")),
        &r,
        &b,
        "ark",
    ));
    let o = run(
        &SnpVerifier::default().with_crl(b"junk".to_vec()),
        &r,
        &b,
        "ark",
    );
    assert_eq!(o.failure(), Some("cert_chain_malformed"));
}

#[test]
fn debug_guest_refused_by_default() {
    let mut s = Spec::milan();
    s.policy |= 1 << 19;
    let r = s.signed("vcek");
    let b = bundle(&["vcek", "ask", "ark"]);
    let o = run(&SnpVerifier::default(), &r, &b, "ark");
    assert_eq!(o.hw(), Outcome::Failed);
    assert_eq!(o.failure(), Some("platform_policy_failed"));
    assert_eq!(o.ledger.outcome_of("platform_state"), Some(Outcome::Failed));
    assert!(o.detail("platform_policy").contains("debugging"));
    assert!(
        o.ledger
            .entries()
            .iter()
            .any(|e| e.reason.starts_with("sev_snp.allow_debug:"))
    );
    let mut p = SnpPolicy::default();
    p.set_knob("allow_debug", "true").unwrap();
    ok(&run(&SnpVerifier::new(p), &r, &b, "ark"));
}

#[test]
fn synthetic_tamper_sweep_through_verifier() {
    // Every byte of a valid v3 report, flipped, fails (a sample stride keeps
    // this fast in debug builds; tests/signature_fixtures.rs sweeps all bytes
    // at the signature layer).
    let r = Spec::milan().signed("vcek");
    let b = bundle(&["vcek", "ask", "ark"]);
    let v = SnpVerifier::default();
    for i in (0..1184).step_by(37).chain([
        0x34,
        0x48,
        0x182,
        0x2A0 + 47,
        0x2A0 + 48,
        0x2A0 + 0x48 + 71,
        0x4A0 - 1,
    ]) {
        let mut t = r.clone();
        t[i] ^= 0x80;
        let o = run(&v, &t, &b, "ark");
        assert_eq!(o.hw(), Outcome::Failed, "byte {i:#x}");
    }
}
