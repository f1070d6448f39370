//! A tiny DER writer, a synthetic test PCK chain (our own P-256 root from
//! fixed scalars; nothing is an Intel key) and a TD quote builder, shared by
//! `synthetic.rs` and `conformance_data.rs`.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest as _, Sha256};

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
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
pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}
pub fn int(bytes: &[u8]) -> Vec<u8> {
    let mut b: Vec<u8> = bytes.iter().copied().skip_while(|x| *x == 0).collect();
    if b.is_empty() || b[0] & 0x80 != 0 {
        b.insert(0, 0);
    }
    tlv(0x02, &b)
}
pub const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
pub const PRIME256V1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
pub fn name(cn: &str) -> Vec<u8> {
    seq(&[tlv(
        0x31,
        &seq(&[tlv(0x06, &[0x55, 0x04, 0x03]), tlv(0x0c, cn.as_bytes())]),
    )])
}
pub fn sig_der(sig: &Signature) -> Vec<u8> {
    let b = sig.to_bytes();
    seq(&[int(&b[..32]), int(&b[32..])])
}

pub fn cert(
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

pub fn pem(der: &[u8]) -> String {
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

pub struct Pki {
    pub root_der: Vec<u8>,
    pub leaf_der: Vec<u8>,
    pub leaf_key: SigningKey,
}

pub fn pki() -> Pki {
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

pub struct Spec {
    pub version: u16,
    pub attrs: u64,
    pub mrtd: [u8; 48],
    pub report_data: [u8; 64],
    pub pck_pem: Vec<u8>,
}

pub fn build(p: &Pki, s: &Spec) -> Vec<u8> {
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
