//! Synthetic evidence for the conformance vectors (`CV-SNP-*`, `CV-AZURE-*`,
//! built by `cargo xtask gen-vectors` from `tests/data/conformance/`).
//!
//! Every file is made here from our own test PKI (`tests/data`, see
//! `gen.sh`; nothing is an AMD key) and is byte-stable: ECDSA P-384 signing
//! is deterministic (RFC 6979) and the Azure quotes use RSASSA-PKCS1-v1_5.
//! This test fails when a committed file differs from what it builds;
//! `CMCP_REGEN_TEST_DATA=1 cargo test -p cmcp-sev-snp --test conformance_data`
//! rewrites them.
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
mod synth;
use cmcp_json::encoding::b64_encode;
use cmcp_policy::Outcome;
use cmcp_sev_snp::SnpVerifier;
use sha2::Digest as _;
use synth::*;

/// The claim nonce of the xtask hardware-claim session
/// (`xtask/src/generate.rs`, `hwkit::claim_nonce`): key thumbprint ‖
/// SHA-256(audit chain root).
const CLAIM_NONCE: &str = "bda24fb5e7febcf9c6008584d7daa530f0d8586684477cde78933fdebd563bb15685b09795564d6341f55933982b8d1a8c46067d533d8df88828c979d2993b83";
/// The nonce of the synthetic Azure envelope.
const AZ_NONCE: [u8; 64] = [0x5A; 64];

fn claim_nonce() -> Vec<u8> {
    cmcp_json::encoding::hex_decode(CLAIM_NONCE).unwrap()
}

/// A Milan-shaped report with edits, signed by the test VCEK.
fn report(edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut b = Spec::milan().unsigned();
    edit(&mut b);
    sign(&mut b, "vcek");
    b
}

fn set_policy(b: &mut [u8], p: u64) {
    b[8..16].copy_from_slice(&p.to_le_bytes());
}

fn runtime_data() -> Vec<u8> {
    let n = String::from_utf8(data("ak.n.b64u")).unwrap();
    format!(
        r#"{{"keys":[{{"kid":"HCLAkPub","key_ops":["sign"],"kty":"RSA","e":"AQAB","n":"{n}"}}],"vm-configuration":{{"console-enabled":false,"secure-boot":true,"tpm-enabled":true,"vmUniqueId":"00000000-0000-0000-0000-000000000000"}},"user-data":"{}"}}"#,
        "0".repeat(128)
    )
    .into_bytes()
}

/// A TPMS_ATTEST quote (sha256 PCR 16) with `extra` as extraData.
pub fn quote_msg(extra: &[u8]) -> Vec<u8> {
    let mut q = vec![0xFF, 0x54, 0x43, 0x47, 0x80, 0x18];
    q.extend_from_slice(&[0, 34, 0, 0x0B]);
    q.extend_from_slice(&[0x2C; 32]);
    q.extend_from_slice(&(extra.len() as u16).to_be_bytes());
    q.extend_from_slice(extra);
    q.extend_from_slice(&[0; 17]);
    q.extend_from_slice(&[0; 8]);
    q.extend_from_slice(&[0, 0, 0, 1, 0, 0x0B, 3, 0, 0, 1]);
    q.extend_from_slice(&[0, 32]);
    q.extend_from_slice(&[0x66; 32]);
    q
}

fn sign_quote(msg: &[u8]) -> Vec<u8> {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let key = rsa::PrivateKey::from_pkcs8_pem(std::str::from_utf8(&data("ak.pkcs8.pem")).unwrap())
        .unwrap();
    let sig = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key)
        .sign(msg)
        .to_vec();
    let mut out = vec![0, 0x14, 0, 0x0B];
    out.extend_from_slice(&(sig.len() as u16).to_be_bytes());
    out.extend_from_slice(&sig);
    out
}

/// An Azure envelope: report bound to runtime_data, quote over SHA-256(nonce).
fn envelope(nonce: &[u8], quote_extra: Option<&[u8]>, edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let rd = runtime_data();
    let mut r = Spec::milan().unsigned();
    r[0x50..0x70].copy_from_slice(&sha2::Sha256::digest(&rd));
    r[0x70..0x90].fill(0);
    edit(&mut r);
    sign(&mut r, "vcek");
    let digest = sha2::Sha256::digest(nonce);
    let q = quote_msg(quote_extra.unwrap_or(&digest));
    let s = |b: &[u8]| cmcp_json::Value::String(b64_encode(b));
    let mut o = cmcp_json::Object::new();
    o.insert("v", cmcp_json::Value::from(1i64));
    o.insert("snp_report", s(&r));
    o.insert("runtime_data", s(&rd));
    o.insert("quote_msg", s(&q));
    o.insert("quote_sig", s(&sign_quote(&q)));
    o.insert(
        "ak_pub_pem",
        cmcp_json::Value::String(String::from_utf8(data("ak.spki.pem")).unwrap()),
    );
    o.insert("vcek_chain_pem", s(&bundle(&["vcek", "ask", "ark"])));
    cmcp_json::canonical::pyjson_vec(&cmcp_json::Value::Object(o))
}

fn outputs() -> Vec<(&'static str, Vec<u8>)> {
    let cn = claim_nonce();
    vec![
        // REPORT_DATA = [0xA5; 64], POLICY 0x30000, MEASUREMENT [0x3C; 48].
        ("snp_base.bin", report(|_| {})),
        (
            "snp_debug.bin",
            report(|b| set_policy(b, 0x30000 | 1 << 19)),
        ),
        (
            "snp_migrate_ma.bin",
            report(|b| set_policy(b, 0x30000 | 1 << 18)),
        ),
        ("snp_no_smt.bin", report(|b| set_policy(b, 0x20000))),
        (
            "snp_reserved_policy.bin",
            report(|b| set_policy(b, 0x30000 | 1 << 40)),
        ),
        ("snp_vmpl1.bin", report(|b| b[0x30] = 1)),
        ("snp_v2.bin", report(|b| b[0] = 2)),
        (
            "snp_platform_unknown_bit.bin",
            report(|b| b[0x40..0x48].copy_from_slice(&(0x25u64 | 1 << 40).to_le_bytes())),
        ),
        ("snp_abi_old.bin", report(|b| b[8] = 0x00)), // ABI 0.0 in POLICY
        (
            "snp_claim.bin",
            report(|b| b[0x50..0x90].copy_from_slice(&cn)),
        ),
        (
            "snp_claim_debug.bin",
            report(|b| {
                b[0x50..0x90].copy_from_slice(&cn);
                set_policy(b, 0x30000 | 1 << 19);
            }),
        ),
        ("azure_envelope.json", envelope(&AZ_NONCE, None, |_| {})),
        (
            "azure_envelope_quote_other_nonce.json",
            envelope(&AZ_NONCE, Some(&[0u8; 32]), |_| {}),
        ),
        (
            "azure_envelope_debug.json",
            envelope(&AZ_NONCE, None, |b| set_policy(b, 0x30000 | 1 << 19)),
        ),
        ("azure_envelope_claim.json", envelope(&cn, None, |_| {})),
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
fn base_and_claim_reports_verify() {
    let chain = bundle(&["vcek", "ask", "ark"]);
    let o = run(&SnpVerifier::default(), &report(|_| {}), &chain, "ark");
    assert_eq!(o.hw(), Outcome::Verified, "{:?}", o.ledger);
    let o = run(
        &SnpVerifier::default(),
        &report(|b| set_policy(b, 0x30000 | 1 << 19)),
        &chain,
        "ark",
    );
    assert_eq!(o.failure(), Some("platform_policy_failed"));
    let r = report(|b| b[0x50..0x90].copy_from_slice(&claim_nonce()));
    assert_eq!(&r[0x50..0x90], &claim_nonce()[..]);
}
