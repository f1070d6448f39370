//! Authenticating the real quotes.
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
use cmcp_tdx::parse::*;
use common::*;

#[test]
fn signatures_and_binding_verify_on_every_real_quote() {
    for rel in [GCP_QUOTE, GCP_QUOTE_MANIFEST, QVL_QUOTE, QVL_OUTDATED] {
        let Some(raw) = read(rel) else { return };
        let q = TdQuote::parse(&raw).unwrap();
        verify_quote_signature(&q).unwrap_or_else(|e| panic!("{rel}: {e}"));
        verify_qe_binding(&q).unwrap_or_else(|e| panic!("{rel}: {e}"));
    }
}

#[test]
fn v5_signature_covers_the_descriptor() {
    let Some(raw) = read(QVL_OUTDATED) else {
        return;
    };
    let mut q = TdQuote::parse(&raw).unwrap();
    // Over 48 + 648 (the tdx-quote crate's mistake) it must fail.
    let mut wrong = raw[..48].to_vec();
    wrong.extend_from_slice(&raw[54..702]);
    q.signed_region = wrong;
    assert_eq!(
        verify_quote_signature(&q),
        Err(AuthError::QuoteSignatureInvalid)
    );
}

#[test]
fn tamper_sweep_over_signed_region() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    for i in 0..632 {
        let mut b = raw.clone();
        b[i] ^= 0x01;
        match TdQuote::parse(&b) {
            Err(e) => assert!((0..8).contains(&i), "byte {i}: unexpected parse error {e}"),
            Ok(q) => assert_eq!(
                verify_quote_signature(&q),
                Err(AuthError::QuoteSignatureInvalid),
                "byte {i}"
            ),
        }
    }
    // the signature itself
    for i in 636..700 {
        let mut b = raw.clone();
        b[i] ^= 0x80;
        let q = TdQuote::parse(&b).unwrap();
        assert!(verify_quote_signature(&q).is_err(), "sig byte {i}");
    }
    // the attestation key
    for i in 700..764 {
        let mut b = raw.clone();
        b[i] ^= 0x01;
        let q = TdQuote::parse(&b).unwrap();
        assert!(verify_quote_signature(&q).is_err(), "key byte {i}");
        assert!(verify_qe_binding(&q).is_err(), "key byte {i}");
    }
}

#[test]
fn flipped_auth_data_breaks_the_binding() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    for i in 1220..1252 {
        let mut b = raw.clone();
        b[i] ^= 0x01;
        let q = TdQuote::parse(&b).unwrap();
        verify_quote_signature(&q).unwrap();
        let e = verify_qe_binding(&q).unwrap_err();
        assert_eq!(e.reference_string(), "attestation_key_not_bound_to_qe");
    }
    // QE REPORTDATA second half must be zero
    let mut b = raw.clone();
    b[770 + 320 + 40] = 1;
    let q = TdQuote::parse(&b).unwrap();
    assert_eq!(
        verify_qe_binding(&q),
        Err(AuthError::AttestationKeyNotBound(
            "REPORTDATA[32..64] is not zero"
        ))
    );
}

#[test]
fn invalid_attestation_key_is_typed() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    let mut b = raw.clone();
    b[700..764].fill(0xff);
    let q = TdQuote::parse(&b).unwrap();
    let e = verify_quote_signature(&q).unwrap_err();
    assert!(
        e.reference_string()
            .starts_with("attestation_key_invalid: "),
        "{e:?}"
    );
}

fn ts(s: &str) -> cmcp_policy::Timestamp {
    cmcp_policy::Timestamp::parse_rfc3339(s).unwrap()
}

#[test]
fn gcp_chain_validates_with_its_own_root_pinned_and_is_not_doubled() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    let q = TdQuote::parse(&raw).unwrap();
    let chain = pck_chain(&q).unwrap();
    assert_eq!(chain.len(), 3);
    assert_eq!(
        hex(&chain[0].sha256_fingerprint()),
        "0a45e5b56f6b9af205461510c9f72023779d5199f862762e22e4084d9eb4b61c"
    );
    assert_eq!(
        chain[0].subject_common_name().as_deref(),
        Some("Intel SGX PCK Certificate")
    );
    assert_eq!(
        chain[1].subject_common_name().as_deref(),
        Some("Intel SGX PCK Platform CA")
    );
    verify_qe_report_signature(&q, &chain[0]).unwrap();
    // Pin the chain's own root (the last embedded certificate).
    let root = chain[2].clone();
    assert_eq!(
        root.sha256_fingerprint(),
        cmcp_tdx::roots::INTEL_SGX_ROOT_CA_SHA256
    );
    let now = ts("2026-08-01T00:00:00Z");
    let v = verify_pck_chain(&chain, std::slice::from_ref(&root), now, vec![]).unwrap();
    assert!(
        !v.root_appended,
        "the embedded root must not be appended twice"
    );
    assert_eq!(v.certificates.len(), 3);
    // A chain without the root gets the pinned root appended.
    let v2 = verify_pck_chain(&chain[..2], std::slice::from_ref(&root), now, vec![]).unwrap();
    assert!(v2.root_appended);
    assert_eq!(v2.certificates.len(), 3);
    // Outside the leaf's validity.
    let e = verify_pck_chain(
        &chain,
        std::slice::from_ref(&root),
        ts("2026-05-01T00:00:00Z"),
        vec![],
    )
    .unwrap_err();
    assert_eq!(e.reference_string(), "pck_chain_invalid");
    let e = verify_pck_chain(
        &chain,
        std::slice::from_ref(&root),
        ts("2033-06-01T00:00:00Z"),
        vec![],
    )
    .unwrap_err();
    assert_eq!(e.reference_string(), "pck_chain_invalid");
    // Another root pinned: fails.
    let other = chain[1].clone();
    assert!(verify_pck_chain(&chain, &[other], now, vec![]).is_err());
    // The reference's defect: an explicitly doubled root fails the pathLen rule.
    let mut doubled = chain.clone();
    doubled.push(root.clone());
    assert!(verify_pck_chain(&doubled, &[root], now, vec![]).is_err());
}

#[test]
fn builtin_root_only_when_opted_in() {
    let none = pinned_roots(&cmcp_policy::TrustInputs::default()).unwrap();
    assert!(none.is_empty());
    let t = cmcp_policy::TrustInputs {
        builtin_roots: true,
        ..Default::default()
    };
    let b = pinned_roots(&t).unwrap();
    assert_eq!(b.len(), 1);
    let t = cmcp_policy::TrustInputs {
        intel_root: vec![b"garbage".to_vec()],
        ..Default::default()
    };
    assert!(
        pinned_roots(&t)
            .unwrap_err()
            .reference_string()
            .starts_with("intel_root_parse_error: ")
    );
}

#[test]
fn every_real_quote_authenticates_to_the_builtin_root() {
    let t = cmcp_policy::TrustInputs {
        builtin_roots: true,
        ..Default::default()
    };
    let roots = pinned_roots(&t).unwrap();
    for (rel, now) in [
        (GCP_QUOTE, "2026-08-01T00:00:00Z"),
        (GCP_QUOTE_MANIFEST, "2026-08-01T00:00:00Z"),
        (QVL_QUOTE, "2025-07-01T00:00:00Z"),
        (QVL_OUTDATED, "2026-03-01T00:00:00Z"),
    ] {
        let Some(raw) = read(rel) else { return };
        let q = TdQuote::parse(&raw).unwrap();
        let chain = pck_chain(&q).unwrap();
        verify_qe_report_signature(&q, &chain[0]).unwrap_or_else(|e| panic!("{rel}: {e}"));
        verify_pck_chain(&chain, &roots, ts(now), vec![]).unwrap_or_else(|e| panic!("{rel}: {e}"));
    }
}

#[test]
fn qe_report_tamper_breaks_its_signature() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    let chain = pck_chain(&TdQuote::parse(&raw).unwrap()).unwrap();
    for i in (770..1154).step_by(7) {
        let mut b = raw.clone();
        b[i] ^= 0x04;
        let q = TdQuote::parse(&b).unwrap();
        assert_eq!(
            verify_qe_report_signature(&q, &chain[0])
                .unwrap_err()
                .reference_string(),
            "qe_report_signature_invalid",
            "byte {i}"
        );
    }
    for i in 1154..1218 {
        let mut b = raw.clone();
        b[i] ^= 0x01;
        let q = TdQuote::parse(&b).unwrap();
        assert!(
            verify_qe_report_signature(&q, &chain[0]).is_err(),
            "byte {i}"
        );
    }
}

#[test]
fn gcp_pck_extensions() {
    let Some(raw) = read(GCP_QUOTE) else { return };
    let chain = pck_chain(&TdQuote::parse(&raw).unwrap()).unwrap();
    let v = chain[0]
        .extension_value(cmcp_x509::oids::INTEL_SGX_EXTENSIONS)
        .unwrap();
    let x = cmcp_tdx::pck::parse_sgx_extension(v).unwrap();
    assert_eq!(hex(&x.fmspc), "00806f050000");
    assert_eq!(x.pce_id, [0, 0]);
    assert_eq!(x.sgx_type, Some(1));
    assert_eq!(x.pce_svn, 11);
    assert_eq!(hex(&x.cpu_svn), "08080202040100060000000000000000");
    assert_eq!(x.sgx_tcb_components, x.cpu_svn);
    // Truncations of the extension never panic and never parse.
    for n in 0..v.len() {
        assert!(cmcp_tdx::pck::parse_sgx_extension(&v[..n]).is_err());
    }
}
