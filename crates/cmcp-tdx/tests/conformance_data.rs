//! Synthetic TD quotes for the conformance vectors (`CV-TDX-*`, built by
//! `cargo xtask gen-vectors` from `tests/data/conformance/`).
//!
//! Made here from our own test PCK chain (P-256 keys from fixed scalars;
//! nothing is an Intel key), with the quote builder of `tests/synthetic.rs`.
//! Byte-stable: ECDSA signing is deterministic (RFC 6979). This test fails
//! when a committed file differs from what it builds;
//! `CMCP_REGEN_TEST_DATA=1 cargo test -p cmcp-tdx --test conformance_data`
//! rewrites them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    dead_code,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_policy::{
    EvidenceInput, Ledger, Outcome, PlatformVerifier, Timestamp, TrustInputs, VerifyContext,
};
use cmcp_tdx::appraise::TdxPolicy;
use cmcp_tdx::parse::TdAttributes;
use cmcp_tdx::{TdxVerifier, measurement_of};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest as _, Sha256};

/// The claim nonce of the xtask hardware-claim session
/// (`xtask/src/generate.rs`, `hwkit::claim_nonce`).
const CLAIM_NONCE: &str = "bda24fb5e7febcf9c6008584d7daa530f0d8586684477cde78933fdebd563bb15685b09795564d6341f55933982b8d1a8c46067d533d8df88828c979d2993b83";

// ---------------------------------------------------------------- tiny DER writer

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}
fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}
fn int(bytes: &[u8]) -> Vec<u8> {
    let mut b: Vec<u8> = bytes.iter().copied().skip_while(|x| *x == 0).collect();
    if b.is_empty() || b[0] & 0x80 != 0 {
        b.insert(0, 0);
    }
    tlv(0x02, &b)
}
const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const PRIME256V1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
fn name(cn: &str) -> Vec<u8> {
    seq(&[tlv(
        0x31,
        &seq(&[tlv(0x06, &[0x55, 0x04, 0x03]), tlv(0x0c, cn.as_bytes())]),
    )])
}
fn sig_der(sig: &Signature) -> Vec<u8> {
    let b = sig.to_bytes();
    seq(&[int(&b[..32]), int(&b[32..])])
}

fn cert(
    subject: &str,
    issuer: &str,
    key: &SigningKey,
    signer: &SigningKey,
    ca: Option<u8>,
    serial: u8,
) -> Vec<u8> {
    let point = key.verifying_key().to_sec1_point(false);
    let mut bits = vec![0u8];
    bits.extend_from_slice(point.as_bytes());
    let spki = seq(&[
        seq(&[tlv(0x06, EC_PUBLIC_KEY), tlv(0x06, PRIME256V1)]),
        tlv(0x03, &bits),
    ]);
    let mut exts = Vec::new();
    if let Some(path_len) = ca {
        let bc = seq(&[tlv(0x01, &[0xff]), int(&[path_len])]);
        exts.push(seq(&[
            tlv(0x06, &[0x55, 0x1d, 0x13]),
            tlv(0x01, &[0xff]),
            tlv(0x04, &bc),
        ]));
    }
    let mut tbs_parts = vec![
        tlv(0xa0, &int(&[2])),
        int(&[serial]),
        seq(&[tlv(0x06, ECDSA_SHA256)]),
        name(issuer),
        seq(&[tlv(0x17, b"200101000000Z"), tlv(0x17, b"400101000000Z")]),
        name(subject),
        spki,
    ];
    if !exts.is_empty() {
        tbs_parts.push(tlv(0xa3, &seq(&exts)));
    }
    let tbs = seq(&tbs_parts);
    let sig: Signature = signer.sign(&tbs);
    let mut sig_bits = vec![0u8];
    sig_bits.extend(sig_der(&sig));
    seq(&[tbs, seq(&[tlv(0x06, ECDSA_SHA256)]), tlv(0x03, &sig_bits)])
}

fn pem(der: &[u8]) -> String {
    let b = cmcp_json::encoding::b64_encode(der);
    let lines: Vec<&str> = b
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

// ---------------------------------------------------------------- quote builder

struct Pki {
    root_der: Vec<u8>,
    leaf_der: Vec<u8>,
    leaf_key: SigningKey,
}

fn pki() -> Pki {
    let root_key = SigningKey::from_slice(&[0x11; 32]).unwrap();
    let leaf_key = SigningKey::from_slice(&[0x22; 32]).unwrap();
    Pki {
        root_der: cert(
            "Test SGX Root CA",
            "Test SGX Root CA",
            &root_key,
            &root_key,
            Some(1),
            1,
        ),
        leaf_der: cert(
            "Test PCK",
            "Test SGX Root CA",
            &leaf_key,
            &root_key,
            None,
            2,
        ),
        leaf_key,
    }
}

struct Spec {
    version: u16,
    attrs: u64,
    mrtd: [u8; 48],
    report_data: [u8; 64],
    pck_pem: Vec<u8>,
}

fn build(p: &Pki, s: &Spec) -> Vec<u8> {
    let att_key = SigningKey::from_slice(&[0x33; 32]).unwrap();
    let point = att_key.verifying_key().to_sec1_point(false);
    let att_xy: [u8; 64] = point.as_bytes()[1..].try_into().unwrap();
    let mut q = Vec::new();
    q.extend(s.version.to_le_bytes());
    q.extend(2u16.to_le_bytes());
    q.extend(0x81u32.to_le_bytes());
    q.extend([0u8; 4]);
    q.extend(cmcp_tdx::parse::INTEL_QE_VENDOR_ID);
    q.extend([0u8; 20]);
    let body_len = if s.version == 5 { 648 } else { 584 };
    if s.version == 5 {
        q.extend(3u16.to_le_bytes());
        q.extend((body_len as u32).to_le_bytes());
    }
    let mut body = vec![0u8; body_len];
    body[120..128].copy_from_slice(&s.attrs.to_le_bytes());
    body[136..184].copy_from_slice(&s.mrtd);
    body[520..584].copy_from_slice(&s.report_data);
    q.extend(&body);
    let sig: Signature = att_key.sign(&q);
    let auth = [0xab_u8; 32];
    let mut qe = vec![0u8; 384];
    qe[256..258].copy_from_slice(&2u16.to_le_bytes());
    let mut h = Sha256::new();
    h.update(att_xy);
    h.update(auth);
    qe[320..352].copy_from_slice(&h.finalize());
    let qe_sig: Signature = p.leaf_key.sign(&qe);
    let mut cert6 = qe.clone();
    cert6.extend(qe_sig.to_bytes().as_slice());
    cert6.extend((auth.len() as u16).to_le_bytes());
    cert6.extend(auth);
    cert6.extend(5u16.to_le_bytes());
    cert6.extend((s.pck_pem.len() as u32).to_le_bytes());
    cert6.extend(&s.pck_pem);
    let mut sd = sig.to_bytes().to_vec();
    sd.extend(att_xy);
    sd.extend(6u16.to_le_bytes());
    sd.extend((cert6.len() as u32).to_le_bytes());
    sd.extend(cert6);
    q.extend((sd.len() as u32).to_le_bytes());
    q.extend(sd);
    q
}

fn quote(p: &Pki, version: u16, attrs: u64, report_data: [u8; 64], chain: &[&[u8]]) -> Vec<u8> {
    let mut pem_chain = String::new();
    for c in chain {
        pem_chain.push_str(&pem(c));
    }
    build(
        p,
        &Spec {
            version,
            attrs,
            mrtd: [0x5a; 48],
            report_data,
            pck_pem: pem_chain.into_bytes(),
        },
    )
}

fn outputs() -> Vec<(&'static str, Vec<u8>)> {
    let p = pki();
    let cn: [u8; 64] = cmcp_json::encoding::hex_decode(CLAIM_NONCE)
        .unwrap()
        .try_into()
        .unwrap();
    let rd = [0xc3u8; 64];
    let sept = TdAttributes::SEPT_VE_DISABLE;
    let full: &[&[u8]] = &[&p.leaf_der, &p.root_der];
    let root_key = SigningKey::from_slice(&[0x11; 32]).unwrap();
    let strict_root = cert(
        "Test SGX Root CA",
        "Test SGX Root CA",
        &root_key,
        &root_key,
        Some(0),
        1,
    );
    let other_key = SigningKey::from_slice(&[0x44; 32]).unwrap();
    let other_root = cert(
        "Test SGX Root CA",
        "Test SGX Root CA",
        &other_key,
        &other_key,
        Some(1),
        1,
    );
    vec![
        ("root.pem", pem(&p.root_der).into_bytes()),
        ("root_strict.pem", pem(&strict_root).into_bytes()),
        ("root_other.pem", pem(&other_root).into_bytes()),
        // MRTD [0x5a; 48], REPORTDATA [0xc3; 64], SEPT_VE_DISABLE.
        ("tdx_v4.bin", quote(&p, 4, sept, rd, full)),
        ("tdx_v5.bin", quote(&p, 5, sept, rd, full)),
        (
            "tdx_v4_leaf_only.bin",
            quote(&p, 4, sept, rd, &[&p.leaf_der]),
        ),
        (
            "tdx_v4_doubled_root.bin",
            quote(&p, 4, sept, rd, &[&p.leaf_der, &strict_root, &strict_root]),
        ),
        (
            "tdx_v4_debug.bin",
            quote(&p, 4, sept | TdAttributes::DEBUG, rd, full),
        ),
        (
            "tdx_v5_debug.bin",
            quote(&p, 5, sept | TdAttributes::DEBUG, rd, full),
        ),
        ("tdx_v4_no_sept.bin", quote(&p, 4, 0, rd, full)),
        (
            "tdx_v4_reserved_attr.bin",
            quote(&p, 4, sept | (1 << 33), rd, full),
        ),
        ("tdx_v4_claim.bin", quote(&p, 4, sept, cn, full)),
        (
            "tdx_v4_claim_debug.bin",
            quote(&p, 4, sept | TdAttributes::DEBUG, cn, full),
        ),
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
fn base_quote_verifies() {
    let p = pki();
    let raw = quote(
        &p,
        4,
        TdAttributes::SEPT_VE_DISABLE,
        [0xc3; 64],
        &[&p.leaf_der, &p.root_der],
    );
    let trust = TrustInputs {
        intel_root: vec![p.root_der.clone()],
        ..Default::default()
    };
    let ctx = VerifyContext {
        now: Timestamp::parse_rfc3339("2026-08-01T00:00:00Z").unwrap(),
        future_skew_seconds: 300,
        trust: &trust,
    };
    let m = measurement_of(&[0x5a; 48]);
    let input = EvidenceInput {
        platform: "intel-tdx",
        claimed_measurement: Some(&m),
        nonce: Some(&[0xc3; 64]),
        raw_evidence: Some(&raw),
        ..Default::default()
    };
    let mut l = Ledger::new();
    TdxVerifier::new(TdxPolicy::default().require_collateral(false)).verify(&input, &ctx, &mut l);
    assert_eq!(
        l.outcome_of("hardware_attestation"),
        Some(Outcome::Verified)
    );
}
