//! The synthetic vectors. Ids are written out literally and never reused:
//! add new vectors at the end of their family with the next free number.

use super::{Out, Vb};
use crate::jsonx::{compact, get_str, int, obj, s, set, strs};
use cmcp_testkit::{Call, Session, bundle_for, relink, sign_claim};
use cmcp_verify::claim::binding::{chain_root_commitment, thumbprint};
use cmcp_verify::json::encoding::{b64u_encode, hex_encode};
use cmcp_verify::json::{Int, Value};
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest as _, Sha256};

const SEED: [u8; 32] = [0x11; 32];
const OTHER: [u8; 32] = [0x22; 32];
const ISSUER: [u8; 32] = [0x33; 32];
const SID: &str = "0b6f2d1e-4c3a-4f5e-8a7b-9c0d1e2f3a4b";

fn session() -> Session {
    Session::new(SEED, SID)
        .call(Call::new("github.search_issues", "allow"))
        .call(Call::new("payments.refund", "deny"))
        .call(Call::new("email.send", "advisory_deny"))
        .call(Call::new("filesystem.read_file", "redact"))
        .call(Call::new("db.query", "fault"))
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&SEED)
}

fn sw() -> (Value, Value) {
    session().build()
}

fn resign(c: &mut Value) {
    sign_claim(c, &key());
}

/// The software-only claim with one edit, re-signed.
fn sw_edit(path: &[&str], v: Option<Value>) -> Value {
    let (mut c, _) = sw();
    set(&mut c, path, v);
    resign(&mut c);
    c
}

fn entries(b: &Value) -> Vec<Value> {
    b.get("entries")
        .and_then(Value::as_array)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

fn root_of(c: &Value) -> String {
    get_str(c, &["gateway", "audit_chain", "root"])
}

fn x_of(c: &Value) -> String {
    get_str(c, &["trace", "cnf", "jwk", "x"])
}

/// A 64-byte nonce: key thumbprint ‖ second half.
fn nonce(c: &Value, second: [u8; 32]) -> Vec<u8> {
    let mut n = thumbprint(&x_of(c)).to_vec();
    n.extend_from_slice(&second);
    n
}

fn root_commit(c: &Value) -> [u8; 32] {
    chain_root_commitment(&root_of(c)).unwrap_or([0u8; 32])
}

const GM: [u8; 32] = [0x5a; 32];

/// A hardware-platform claim (no evidence), nonce from the given bytes.
fn hw_with(platform: &str, n: Option<&str>) -> Value {
    let (mut c, _) = sw();
    let m = if platform == "tpm2" {
        format!("sha256:{}", "9e".repeat(32))
    } else {
        format!("sha384:{}", "9e".repeat(48))
    };
    let mut rt = vec![("platform", s(platform)), ("measurement", s(&m))];
    if let Some(n) = n {
        rt.push(("nonce", s(n)));
    }
    rt.push(("firmware_version", s("1.55.21")));
    set(&mut c, &["trace", "runtime"], Some(obj(rt)));
    resign(&mut c);
    c
}

fn hw(platform: &str) -> Value {
    let (c, _) = sw();
    let n = nonce(&c, root_commit(&c));
    hw_with(platform, Some(&b64u_encode(&n)))
}

fn hw_edit(platform: &str, path: &[&str], v: Option<Value>) -> Value {
    let mut c = hw(platform);
    set(&mut c, path, v);
    resign(&mut c);
    c
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    text.replacen(from, to, 1)
}

fn sig_of(c: &Value) -> String {
    get_str(c, &["signature"])
}

fn with_sig(c: &Value, sig: &str) -> Value {
    let mut c = c.clone();
    set(&mut c, &["signature"], Some(s(sig)));
    c
}

/// Flips the low bits a canonical base64url string leaves unused in its last character.
fn noncanonical_tail(t: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let Some(last) = t.bytes().last() else {
        return t.to_owned();
    };
    let pos = A.iter().position(|c| *c == last).unwrap_or(0);
    let ch = A.get(pos ^ 1).copied().unwrap_or(b'A') as char;
    let mut out = t.get(..t.len() - 1).unwrap_or("").to_owned();
    out.push(ch);
    out
}

fn std_alphabet(t: &str) -> String {
    t.replace('-', "+").replace('_', "/")
}

fn std_b64(bytes: &[u8]) -> String {
    std_alphabet(&b64u_encode(bytes))
}

fn pad(t: &str) -> String {
    let mut t = t.to_owned();
    while !t.len().is_multiple_of(4) {
        t.push('=');
    }
    t
}

fn add_l(sig: &[u8]) -> Vec<u8> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut out = sig.to_vec();
    let mut carry = 0u16;
    for (k, l) in L.iter().enumerate() {
        if let Some(b) = out.get_mut(32 + k) {
            let v = u16::from(*b) + u16::from(*l) + carry;
            *b = (v & 0xff) as u8;
            carry = v >> 8;
        }
    }
    out
}

fn b64u_dec(t: &str) -> Vec<u8> {
    cmcp_verify::json::encoding::b64u_decode(t).unwrap_or_default()
}

fn pin(v: &str) -> Value {
    s(v)
}

const PS: &str = "partially_verified";
const UN: &str = "unverified";
const VE: &str = "verified";

/// Every synthetic vector.
pub fn all(o: &mut Out) {
    claim_vectors(o);
    schema_vectors(o);
    json_vectors(o);
    hw_vectors(o);
    bundle_vectors(o);
    receipt_vectors(o);
}

fn claim_vectors(o: &mut Out) {
    let (c, b) = sw();
    let sec = "README Decisions 2; claim-chain-receipts.md §4.6";
    o.add(Vb::new("CV-CLAIM-0001", "software-only claim with both pins is partially_verified, never verified, and carries no failure (Q6)", sec, &["software-only", "bug-class", "quirk", "Q6"])
        .claim(&c).st(PS, None).l("schema", VE).l("signature", VE).l("public_key_binding", "not_established")
        .l("policy_bundle.hash", VE).l("tool_catalog.hash", VE).l("attestation_freshness", VE).l("audit_chain", VE)
        .l("audit_chain_binding", "not_established").l("hardware_attestation", "not_established").l("launch_measurement", "not_checked")
        .l("trusted_public_key", "not_checked"));
    o.add(Vb::new("CV-CLAIM-0002", "software-only claim with nothing pinned: policy and catalog are not_checked, never compared with the claim's own value", "README Decisions 3", &["software-only", "pins"])
        .claim(&c).opt("policy_hash", Value::Null).opt("catalog_hash", Value::Null).st(PS, None)
        .l("policy_bundle.hash", "not_checked").l("tool_catalog.hash", "not_checked"));
    o.add(Vb::new("CV-CLAIM-0003", "software-only claim with its (zero) launch measurement pinned: approved but not hardware-attested", "README Decisions 2, 3; §4.3 step 14", &["software-only", "launch-measurement"])
        .claim(&c).opt("launch_measurements", strs(&[format!("sha256:{}", "0".repeat(64))])).st(PS, None).l("launch_measurement", "not_established"));
    o.add(
        Vb::new(
            "CV-CLAIM-0004",
            "software-only claim with a launch measurement pin it does not match",
            "§4.3 step 14",
            &["software-only", "launch-measurement"],
        )
        .claim(&c)
        .opt(
            "launch_measurements",
            strs(&[format!("sha256:{}", "1".repeat(64))]),
        )
        .st(UN, Some("HARDWARE_ATTESTATION_FAILED"))
        .l("launch_measurement", "failed"),
    );
    let mut legacy = c.clone();
    set(
        &mut legacy,
        &["trace", "runtime", "platform"],
        Some(s("tpm2")),
    );
    resign(&mut legacy);
    o.add(Vb::new("CV-CLAIM-0005", "dev-mode platform honesty: legacy tpm2 + firmware software-only-dev-mode is software-only (no key binding demanded, never verified)", "§1.7", &["software-only", "bug-class", "dev-mode"])
        .claim(&legacy).st(PS, None).l("public_key_binding", "not_established").l("hardware_attestation", "not_established"));
    let mut tpm_nodev = legacy.clone();
    set(
        &mut tpm_nodev,
        &["trace", "runtime", "firmware_version"],
        Some(s("7.2.0")),
    );
    resign(&mut tpm_nodev);
    o.add(Vb::new("CV-CLAIM-0006", "tpm2 claim without the dev-mode firmware and without a nonce is hardware: the key is not bound", "§1.7, §3.3", &["dev-mode", "bug-class"])
        .claim(&tpm_nodev).st(UN, Some("PUBLIC_KEY_NOT_BOUND")).l("public_key_binding", "failed"));
    let mut sw_fw = c.clone();
    set(&mut sw_fw, &["trace", "runtime", "firmware_version"], None);
    resign(&mut sw_fw);
    o.add(
        Vb::new(
            "CV-CLAIM-0007",
            "software-only platform without firmware_version is still software-only",
            "§1.7",
            &["software-only", "dev-mode"],
        )
        .claim(&sw_fw)
        .st(PS, None)
        .l("public_key_binding", "not_established"),
    );

    // Signatures (Q1, Q2, Q14).
    let sig = sig_of(&c);
    let mut raw = b64u_dec(&sig);
    if let Some(b0) = raw.get_mut(10) {
        *b0 ^= 0x01;
    }
    let forged = with_sig(&c, &b64u_encode(&raw));
    o.add(
        Vb::new(
            "CV-CLAIM-0010",
            "forged signature (one bit flipped) is unverified, not partially_verified (Q1)",
            "README Decisions 2; §8 Q1",
            &["signature", "quirk", "Q1", "bug-class"],
        )
        .claim(&forged)
        .st(UN, Some("SIGNATURE_INVALID"))
        .l("signature", "failed")
        .div(
            "Q1",
            "partially_verified / SIGNATURE_INVALID",
            "the reference only returns unverified for schema errors",
        ),
    );
    let mut edited = c.clone();
    set(
        &mut edited,
        &["trace", "policy", "version"],
        Some(s("1.0.1")),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0011",
            "claim edited after signing (policy version) fails the signature",
            "§4.3 step 2",
            &["signature", "Q1"],
        )
        .claim(&edited)
        .st(UN, Some("SIGNATURE_INVALID"))
        .div("Q1", "partially_verified / SIGNATURE_INVALID", "Q1"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0012",
            "empty signature",
            "§4.3 step 2",
            &["signature"],
        )
        .claim(&with_sig(&c, ""))
        .st(UN, Some("SIGNATURE_INVALID"))
        .div("Q1", "partially_verified / SIGNATURE_INVALID", "Q1"),
    );
    let mut nosig = c.clone();
    set(&mut nosig, &["signature"], None);
    o.add(
        Vb::new(
            "CV-CLAIM-0013",
            "signature member absent",
            "§4.3 step 2",
            &["signature"],
        )
        .claim(&nosig)
        .st(UN, Some("SIGNATURE_INVALID"))
        .div("Q1", "partially_verified / SIGNATURE_INVALID", "Q1"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0014",
            "genuine signature with base64 padding appended is refused (Q14)",
            "README Decisions 5; §8 Q14",
            &["signature", "quirk", "Q14"],
        )
        .claim(&with_sig(&c, &pad(&sig)))
        .st(UN, Some("SIGNATURE_INVALID"))
        .div(
            "Q14",
            "partially_verified / null (tolerant base64 accepts it; signature verified)",
            "strict canonical base64url",
        ),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0015",
            "genuine signature in the standard base64 alphabet is refused (Q14)",
            "README Decisions 5; §8 Q14",
            &["signature", "quirk", "Q14"],
        )
        .claim(&with_sig(&c, &std_b64(&b64u_dec(&sig))))
        .st(UN, Some("SIGNATURE_INVALID"))
        .div(
            "Q14",
            "partially_verified / null when the text has + or /; tolerant decoding",
            "strict canonical base64url",
        ),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0016",
            "genuine signature with non-zero unused trailing bits is refused (Q14)",
            "README Decisions 5; §2.7 rule 6",
            &["signature", "quirk", "Q14"],
        )
        .claim(&with_sig(&c, &noncanonical_tail(&sig)))
        .st(UN, Some("SIGNATURE_INVALID"))
        .div(
            "Q14",
            "partially_verified / null (non-canonical trailing bits ignored)",
            "strict canonical base64url",
        ),
    );
    let junk = format!(
        "{}!{}",
        sig.get(..20).unwrap_or(""),
        sig.get(20..).unwrap_or("")
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0017",
            "genuine signature with a junk character inserted is refused (Q14)",
            "§2.7 rule 3; §8 Q14",
            &["signature", "quirk", "Q14"],
        )
        .claim(&with_sig(&c, &junk))
        .st(UN, Some("SIGNATURE_INVALID"))
        .div(
            "Q14",
            "partially_verified / null (junk skipped)",
            "strict canonical base64url",
        ),
    );
    // Small-order key with the trivial signature (Q2).
    let mut small = c.clone();
    let mut id = [0u8; 32];
    id[0] = 1;
    set(
        &mut small,
        &["trace", "cnf", "jwk", "x"],
        Some(s(&b64u_encode(&id))),
    );
    let mut trivial = [0u8; 64];
    trivial[0] = 1;
    let small = with_sig(&small, &b64u_encode(&trivial));
    o.add(Vb::new("CV-CLAIM-0018", "small-order (identity) key with the trivial signature R=identity, S=0 is refused (Q2)", "README Decisions 6; §8 Q2", &["signature", "quirk", "Q2", "bug-class"])
        .claim(&small).st(UN, Some("SIGNATURE_INVALID")).l("signature", "failed")
        .div("Q2", "partially_verified / null with signature verified (OpenSSL accepts small-order keys; software-only skips key binding)", "strict Ed25519"));
    let s_plus_l = add_l(&b64u_dec(&sig));
    o.add(
        Vb::new(
            "CV-CLAIM-0019",
            "non-canonical S (S + L) is refused",
            "README Decisions 6; §4.3 step 2",
            &["signature", "Q2"],
        )
        .claim(&with_sig(&c, &b64u_encode(&s_plus_l)))
        .st(UN, Some("SIGNATURE_INVALID"))
        .div("Q1", "partially_verified / SIGNATURE_INVALID", "Q1"),
    );
    let other_signed = {
        let mut x = c.clone();
        sign_claim(&mut x, &SigningKey::from_bytes(&OTHER));
        x
    };
    o.add(
        Vb::new(
            "CV-CLAIM-0020",
            "claim signed by a key other than trace.cnf.jwk",
            "§4.3 step 2",
            &["signature"],
        )
        .claim(&other_signed)
        .st(UN, Some("SIGNATURE_INVALID"))
        .div("Q1", "partially_verified / SIGNATURE_INVALID", "Q1"),
    );
    let sig64 = b64u_dec(&sig);
    o.add(
        Vb::new(
            "CV-CLAIM-0021",
            "signature of 63 bytes",
            "§4.3 step 2",
            &["signature"],
        )
        .claim(&with_sig(&c, &b64u_encode(sig64.get(..63).unwrap_or(&[]))))
        .st(UN, Some("SIGNATURE_INVALID")),
    );

    // JWK (Q15).
    let x = x_of(&c);
    let jwk_case =
        |id: &str, desc: &str, path: &str, v: Option<Value>, tags: &[&str], div: Option<&str>| {
            let mut cl = c.clone();
            set(&mut cl, &["trace", "cnf", "jwk", path], v);
            resign(&mut cl);
            let mut vb = Vb::new(id, desc, "README Decisions 5; §8 Q15", tags)
                .claim(&cl)
                .st(UN, Some("SIGNATURE_INVALID"));
            if let Some(d) = div {
                vb = vb.div("Q15", d, "strict JWK");
            }
            vb
        };
    o.add(
        Vb::new(
            "CV-CLAIM-0030",
            "JWK kty EC without y is a schema error",
            "§1.1 JWK validation",
            &["jwk", "schema", "Q15"],
        )
        .claim(&sw_edit(&["trace", "cnf", "jwk", "kty"], Some(s("EC"))))
        .st(UN, Some("CLAIM_MALFORMED"))
        .d("malformed_field", "trace.cnf.jwk"),
    );
    o.add(jwk_case(
        "CV-CLAIM-0039",
        "JWK kty oct (no required members) with an Ed25519 x is refused (Q15)",
        "kty",
        Some(s("oct")),
        &["jwk", "quirk", "Q15"],
        Some("partially_verified / null: kty ignored, x used as an Ed25519 key"),
    ));
    o.add(jwk_case(
        "CV-CLAIM-0031",
        "JWK crv X25519 is refused (Q15)",
        "crv",
        Some(s("X25519")),
        &["jwk", "quirk", "Q15"],
        Some("partially_verified / null: crv ignored"),
    ));
    o.add(jwk_case(
        "CV-CLAIM-0032",
        "x with padding is refused (Q14/Q15)",
        "x",
        Some(s(&pad(&x))),
        &["jwk", "quirk", "Q14", "Q15"],
        Some("partially_verified / null: tolerant decoding"),
    ));
    o.add(jwk_case(
        "CV-CLAIM-0033",
        "x with non-zero unused trailing bits is refused (Q14)",
        "x",
        Some(s(&noncanonical_tail(&x))),
        &["jwk", "quirk", "Q14"],
        Some("partially_verified / null"),
    ));
    o.add(jwk_case(
        "CV-CLAIM-0034",
        "x of 31 bytes",
        "x",
        Some(s(&b64u_encode(b64u_dec(&x).get(..31).unwrap_or(&[])))),
        &["jwk"],
        None,
    ));
    o.add(jwk_case(
        "CV-CLAIM-0035",
        "x in the standard alphabet / with junk: refused",
        "x",
        Some(s(&format!("{}!", x))),
        &["jwk", "Q14"],
        Some("partially_verified / null (junk skipped)"),
    ));
    o.add(
        Vb::new(
            "CV-CLAIM-0036",
            "JWK kty OKP without crv is a schema error",
            "§1.1 JWK validation",
            &["jwk", "schema"],
        )
        .claim(&sw_edit(&["trace", "cnf", "jwk", "crv"], None))
        .st(UN, Some("CLAIM_MALFORMED"))
        .d("malformed_field", "trace.cnf.jwk"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0037",
            "JWK with a private member d is a schema error",
            "§1.1 JWK validation",
            &["jwk", "schema"],
        )
        .claim(&sw_edit(&["trace", "cnf", "jwk", "d"], Some(s("AAAA"))))
        .st(UN, Some("CLAIM_MALFORMED"))
        .d("malformed_field", "trace.cnf.jwk"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0038",
            "JWK with an unknown extra member (use) is allowed",
            "§1.1 JWK table",
            &["jwk"],
        )
        .claim(&sw_edit(&["trace", "cnf", "jwk", "use"], Some(s("sig"))))
        .st(PS, None)
        .l("signature", VE),
    );

    // Trusted key.
    let pk = hex_encode(&key().verifying_key().to_bytes());
    o.add(
        Vb::new(
            "CV-CLAIM-0040",
            "pinned trusted key equals trace.cnf.jwk.x",
            "§4.3 step 4",
            &["trusted-key"],
        )
        .claim(&c)
        .opt("trusted_key", s(&pk))
        .st(PS, None)
        .l("trusted_public_key", VE),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0041",
            "pinned trusted key (0x-prefixed, upper case) equals x",
            "§4.3 step 4",
            &["trusted-key"],
        )
        .claim(&c)
        .opt("trusted_key", s(&format!("0x{}", pk.to_uppercase())))
        .st(PS, None)
        .l("trusted_public_key", VE),
    );
    let opk = hex_encode(&SigningKey::from_bytes(&OTHER).verifying_key().to_bytes());
    o.add(
        Vb::new(
            "CV-CLAIM-0042",
            "pinned trusted key differs from x",
            "§4.3 step 4",
            &["trusted-key", "Q1"],
        )
        .claim(&c)
        .opt("trusted_key", s(&opk))
        .st(UN, Some("PUBLIC_KEY_NOT_BOUND"))
        .l("trusted_public_key", "failed")
        .div("Q1", "partially_verified / PUBLIC_KEY_NOT_BOUND", "Q1"),
    );
    o.add(Vb::new("CV-CLAIM-0043", "forged signature and wrong trusted key: SIGNATURE_INVALID outranks the trusted-key failure", "§4.2 precedence", &["trusted-key", "precedence"])
        .claim(&forged).opt("trusted_key", s(&opk)).st(UN, Some("SIGNATURE_INVALID")).l("trusted_public_key", "failed"));

    // Pins (Q16).
    o.add(
        Vb::new(
            "CV-CLAIM-0050",
            "policy hash differs from the pin",
            "§4.3 step 5",
            &["pins", "Q1"],
        )
        .claim(&c)
        .opt("policy_hash", pin(&format!("sha256:{}", "ef".repeat(32))))
        .st(UN, Some("POLICY_HASH_MISMATCH"))
        .l("policy_bundle.hash", "failed")
        .div("Q1", "partially_verified / POLICY_HASH_MISMATCH", "Q1"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0051",
            "catalog hash differs from the pin",
            "§4.3 step 6",
            &["pins", "Q1"],
        )
        .claim(&c)
        .opt("catalog_hash", pin(&format!("sha256:{}", "ef".repeat(32))))
        .st(UN, Some("CATALOG_HASH_MISMATCH"))
        .l("tool_catalog.hash", "failed")
        .div("Q1", "partially_verified / CATALOG_HASH_MISMATCH", "Q1"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0052",
            "policy and catalog both differ: POLICY_HASH_MISMATCH has precedence",
            "§4.2",
            &["pins", "precedence"],
        )
        .claim(&c)
        .opt("policy_hash", pin(&format!("sha256:{}", "ef".repeat(32))))
        .opt("catalog_hash", pin(&format!("sha256:{}", "ef".repeat(32))))
        .st(UN, Some("POLICY_HASH_MISMATCH"))
        .l("tool_catalog.hash", "failed"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0053",
            "policy pin as bare hex matches the prefixed claim value",
            "README Decisions 3; §8 Q16",
            &["pins", "Q16"],
        )
        .claim(&c)
        .opt("policy_hash", pin(&"ab".repeat(32)))
        .st(PS, None)
        .l("policy_bundle.hash", VE),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0054",
            "policy pin in upper-case hex matches (digests are compared as bytes, Q16)",
            "§8 Q16",
            &["pins", "quirk", "Q16"],
        )
        .claim(&c)
        .opt("policy_hash", pin(&format!("sha256:{}", "AB".repeat(32))))
        .st(PS, None)
        .l("policy_bundle.hash", VE)
        .div(
            "Q16",
            "partially_verified / POLICY_HASH_MISMATCH (case-sensitive string compare)",
            "digests parsed into (alg, bytes)",
        ),
    );
    let c384 = sw_edit(
        &["trace", "policy", "bundle_hash"],
        Some(s(&format!("sha384:{}", "ab".repeat(48)))),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0055",
            "sha384 policy hash matches a sha384 pin",
            "§8 Q16",
            &["pins", "Q16"],
        )
        .claim(&c384)
        .opt("policy_hash", pin(&format!("sha384:{}", "ab".repeat(48))))
        .st(PS, None)
        .l("policy_bundle.hash", VE),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0056",
            "sha384 claim value against a sha256 pin of other bytes",
            "§8 Q16",
            &["pins", "Q16"],
        )
        .claim(&c384)
        .st(UN, Some("POLICY_HASH_MISMATCH")),
    );
    let md5 = sw_edit(&["gateway", "catalog", "hash"], Some(s("md5:1")));
    o.add(
        Vb::new(
            "CV-CLAIM-0057",
            "catalog hash that is not a digest (md5:1) never matches a pin (Q16)",
            "§8 Q16",
            &["pins", "quirk", "Q16"],
        )
        .claim(&md5)
        .st(UN, Some("CATALOG_HASH_MISMATCH"))
        .div(
            "Q16",
            "partially_verified / CATALOG_HASH_MISMATCH",
            "digest syntax checked",
        ),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0058",
            "catalog hash md5:1 with no catalog pin is not_checked",
            "README Decisions 3",
            &["pins", "Q16"],
        )
        .claim(&md5)
        .opt("catalog_hash", Value::Null)
        .st(PS, None)
        .l("tool_catalog.hash", "not_checked"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0059",
            "claim policy hash sha256: prefix with bare pin of a different digest",
            "§4.3 step 5",
            &["pins"],
        )
        .claim(&c)
        .opt("policy_hash", pin(&"ee".repeat(32)))
        .st(UN, Some("POLICY_HASH_MISMATCH")),
    );

    // Freshness (Q8, Q9).
    let fresh = |id: &str, desc: &str, ts: &str, tags: &[&str]| {
        Vb::new(id, desc, "README Decisions 7; §4.3 step 9; §8 Q8", tags).claim(&sw_edit(
            &["gateway", "attestation_generated_at"],
            Some(s(ts)),
        ))
    };
    o.add(
        Vb::new(
            "CV-CLAIM-0060",
            "attestation one second past the maximum age",
            "§4.3 step 9",
            &["freshness"],
        )
        .claim(&c)
        .opt("now", s("2026-12-01T00:00:01Z"))
        .st(UN, Some("ATTESTATION_STALE"))
        .l("attestation_freshness", "failed")
        .div("Q1", "partially_verified / ATTESTATION_STALE", "Q1"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0061",
            "--max-age 3600 makes a one-day-old attestation stale",
            "§4.3 step 9",
            &["freshness"],
        )
        .claim(&c)
        .opt("max_age", int(3600))
        .st(UN, Some("ATTESTATION_STALE")),
    );
    o.add(
        fresh(
            "CV-CLAIM-0062",
            "attestation dated one hour after now is stale (Q8)",
            "2026-12-01T01:00:00+00:00",
            &["freshness", "quirk", "Q8"],
        )
        .st(UN, Some("ATTESTATION_STALE"))
        .div(
            "Q8",
            "partially_verified / null: negative age counts as fresh",
            "bounded skew (300 s)",
        ),
    );
    o.add(
        fresh(
            "CV-CLAIM-0063",
            "attestation dated 100 s after now is within the 300 s skew",
            "2026-12-01T00:01:40+00:00",
            &["freshness", "Q8"],
        )
        .st(PS, None)
        .l("attestation_freshness", VE),
    );
    o.add(
        fresh(
            "CV-CLAIM-0064",
            "offset-less attestation_generated_at is refused (Q8)",
            "2026-11-30T00:00:00",
            &["freshness", "quirk", "Q8"],
        )
        .st(UN, Some("ATTESTATION_STALE"))
        .div(
            "Q8",
            "crash (TypeError: naive vs aware datetime)",
            "RFC 3339 with offset required",
        ),
    );
    o.add(
        fresh(
            "CV-CLAIM-0065",
            "date-only attestation_generated_at is refused (Q8)",
            "2026-11-30",
            &["freshness", "quirk", "Q8"],
        )
        .st(UN, Some("ATTESTATION_STALE"))
        .div("Q8", "crash (TypeError)", "RFC 3339 only"),
    );
    o.add(
        fresh(
            "CV-CLAIM-0066",
            "Z suffix is accepted",
            "2026-11-30T12:00:00Z",
            &["freshness"],
        )
        .st(PS, None)
        .l("attestation_freshness", VE),
    );
    o.add(
        fresh(
            "CV-CLAIM-0067",
            "Python-only ISO basic format is refused (Q8)",
            "20261130T000000Z",
            &["freshness", "quirk", "Q8"],
        )
        .st(UN, Some("ATTESTATION_STALE"))
        .div(
            "Q8",
            "partially_verified / null (fromisoformat accepts the basic format)",
            "RFC 3339 only",
        ),
    );
    o.add(
        fresh(
            "CV-CLAIM-0068",
            "hour 24 is refused",
            "2026-11-30T24:00:00+00:00",
            &["freshness", "Q8"],
        )
        .st(UN, Some("ATTESTATION_STALE")),
    );
    o.add(
        fresh(
            "CV-CLAIM-0069",
            "a +05:30 offset is honoured",
            "2026-11-30T12:00:00+05:30",
            &["freshness"],
        )
        .st(PS, None)
        .l("attestation_freshness", VE),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0070",
            "the claim itself says attestation_stale: true (Q9)",
            "README Decisions 7; §8 Q9",
            &["freshness", "quirk", "Q9"],
        )
        .claim(&sw_edit(
            &["gateway", "attestation_stale"],
            Some(Value::Bool(true)),
        ))
        .st(UN, Some("ATTESTATION_STALE"))
        .div(
            "Q9",
            "partially_verified / null: attestation_stale ignored",
            "a claim declaring itself stale fails",
        ),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0071",
            "attestation older than its own attestation_validity_seconds (Q9)",
            "§8 Q9",
            &["freshness", "quirk", "Q9"],
        )
        .claim(&sw_edit(
            &["gateway", "attestation_validity_seconds"],
            Some(int(3600)),
        ))
        .st(UN, Some("ATTESTATION_STALE"))
        .div(
            "Q9",
            "partially_verified / null: validity ignored",
            "declared validity honoured",
        ),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0072",
            "negative attestation_validity_seconds",
            "§8 Q9",
            &["freshness", "Q9"],
        )
        .claim(&sw_edit(
            &["gateway", "attestation_validity_seconds"],
            Some(int(-1)),
        ))
        .st(UN, Some("ATTESTATION_STALE")),
    );
    o.add(
        fresh(
            "CV-CLAIM-0073",
            "space as date/time separator (RFC 3339 §5.6 note) — see verifier",
            "2026-11-30 00:00:00+00:00",
            &["freshness", "Q8"],
        )
        .st(UN, Some("ATTESTATION_STALE")),
    );

    // Chain summary consistency.
    let chain = |id: &str, desc: &str, path: &[&str], v: Value, tags: &[&str]| {
        Vb::new(id, desc, "§4.3 step 10", tags)
            .claim(&sw_edit(path, Some(v)))
            .st(UN, Some("CHAIN_BROKEN"))
            .l("audit_chain", "failed")
    };
    o.add(
        chain(
            "CV-CLAIM-0080",
            "empty audit_chain.root",
            &["gateway", "audit_chain", "root"],
            s(""),
            &["chain"],
        )
        .div("Q1", "partially_verified / CHAIN_BROKEN", "Q1"),
    );
    o.add(chain(
        "CV-CLAIM-0081",
        "empty audit_chain.tip",
        &["gateway", "audit_chain", "tip"],
        s(""),
        &["chain"],
    ));
    o.add(chain(
        "CV-CLAIM-0082",
        "audit_chain.length 0",
        &["gateway", "audit_chain", "length"],
        int(0),
        &["chain"],
    ));
    o.add(
        chain(
            "CV-CLAIM-0083",
            "negative audit_chain.length (Q24)",
            &["gateway", "audit_chain", "length"],
            int(-3),
            &["chain", "quirk", "Q24"],
        )
        .div(
            "Q24",
            "partially_verified / CHAIN_BROKEN, message says length is 0",
            "cosmetic",
        ),
    );
    o.add(chain(
        "CV-CLAIM-0084",
        "audit_chain.root in upper-case hex",
        &["gateway", "audit_chain", "root"],
        s(&root_of(&c).to_uppercase()),
        &["chain"],
    ));
    o.add(chain(
        "CV-CLAIM-0085",
        "tool_transcript.hash is not sha256:<tip>",
        &["trace", "tool_transcript", "hash"],
        s(&format!("sha256:{}", "0f".repeat(32))),
        &["chain"],
    ));
    o.add(chain(
        "CV-CLAIM-0086",
        "tool_transcript.call_count differs from tool_calls_total",
        &["trace", "tool_transcript", "call_count"],
        int(4),
        &["chain"],
    ));
    o.add(chain(
        "CV-CLAIM-0087",
        "allowed + denied + faulted exceeds tool_calls_total",
        &["gateway", "call_summary", "tool_calls_allowed"],
        int(9),
        &["chain"],
    ));
    o.add(chain(
        "CV-CLAIM-0088",
        "tools_invoked not sorted",
        &["gateway", "call_summary", "tools_invoked"],
        strs(&["payments.refund", "db.query"]),
        &["chain"],
    ));
    o.add(chain(
        "CV-CLAIM-0089",
        "negative tool_calls_denied",
        &["gateway", "call_summary", "tool_calls_denied"],
        int(-1),
        &["chain"],
    ));

    // Agent identity thumbprint (Q18).
    let ident = |src: &str, tp: bool| {
        let mut m = vec![
            ("manifest_id", s("mf-0001")),
            ("agent_id", s("spiffe://acme.example/agent/demo")),
            (
                "authenticated_subject",
                s("spiffe://acme.example/agent/demo"),
            ),
            ("subject_source", s(src)),
            ("issuer", s("spiffe://acme.example/issuer")),
            ("issuer_key_id", s(&"7e".repeat(32))),
            (
                "policy_bundle_hash",
                s(&format!("sha256:{}", "ab".repeat(32))),
            ),
            (
                "tool_catalog_hash",
                s(&format!("sha256:{}", "cd".repeat(32))),
            ),
        ];
        if tp {
            m.push((
                "agent_key_thumbprint",
                s(&format!("sha256:{}", "4d".repeat(32))),
            ));
        }
        sw_edit(&["gateway", "agent_identity"], Some(obj(m)))
    };
    o.add(
        Vb::new(
            "CV-CLAIM-0090",
            "agent_key_thumbprint with subject_source config (not live-authenticated)",
            "§4.3 step 8; §8 Q18",
            &["agent-identity", "bug-class"],
        )
        .claim(&ident("config", true))
        .st(UN, Some("AGENT_KEY_THUMBPRINT_UNBOUND_SUBJECT"))
        .l("agent_identity.agent_key_thumbprint", "failed")
        .div(
            "Q1",
            "partially_verified / AGENT_KEY_THUMBPRINT_UNBOUND_SUBJECT",
            "Q1",
        ),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0091",
            "agent_key_thumbprint with subject_source manifest-dev",
            "§4.3 step 8; §8 Q18",
            &["agent-identity", "bug-class"],
        )
        .claim(&ident("manifest-dev", true))
        .st(UN, Some("AGENT_KEY_THUMBPRINT_UNBOUND_SUBJECT")),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0092",
            "agent_key_thumbprint with subject_source svid",
            "§4.3 step 8",
            &["agent-identity"],
        )
        .claim(&ident("svid", true))
        .st(PS, None)
        .l("agent_identity.agent_key_thumbprint", VE),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0093",
            "agent identity without a thumbprint records nothing for it",
            "§4.3 step 8",
            &["agent-identity"],
        )
        .claim(&ident("config", false))
        .st(PS, None)
        .l("agent_identity.agent_key_thumbprint", "absent"),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0094",
            "subject_source outside the enum is a schema error",
            "§1.1 AgentIdentityOut",
            &["agent-identity", "schema"],
        )
        .claim(&ident("oidc", true))
        .st(UN, Some("CLAIM_MALFORMED"))
        .d("malformed_field", "gateway.agent_identity.subject_source"),
    );

    // cmcp_version (Q20), ignored fields.
    o.add(
        Vb::new(
            "CV-CLAIM-0100",
            "cmcp_version 2.0 is refused (Q20)",
            "§8 Q20",
            &["schema", "quirk", "Q20"],
        )
        .claim(&sw_edit(&["cmcp_version"], Some(s("2.0"))))
        .st(UN, Some("CLAIM_MALFORMED"))
        .d("malformed_field", "cmcp_version")
        .div(
            "Q20",
            "partially_verified / null: cmcp_version not checked",
            "cmcp_version pinned to 1.0",
        ),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0101",
            "cmcp_version absent defaults to 1.0",
            "§1.1",
            &["schema", "Q20"],
        )
        .claim(&sw_edit(&["cmcp_version"], None))
        .st(PS, None),
    );
    o.add(
        Vb::new(
            "CV-CLAIM-0102",
            "enforcement_mode declared is accepted",
            "§1.1 PolicyInfo",
            &["schema"],
        )
        .claim(&sw_edit(
            &["trace", "policy", "enforcement_mode"],
            Some(s("declared")),
        ))
        .st(PS, None),
    );
    let _ = b;
}

fn schema_vectors(o: &mut Out) {
    let sec = "README Decisions 4; claim-chain-receipts.md §1.4, §1.5; §8 Q7";
    let lax = |id: &str, desc: &str, path: &[&str], v: Value, field: &str| {
        Vb::new(id, desc, sec, &["schema", "quirk", "Q7"])
            .claim(&sw_edit(path, Some(v)))
            .st(UN, Some("CLAIM_MALFORMED"))
            .d("malformed_field", field)
            .div(
                "Q7",
                "passes the lax schema (partially_verified) or crashes",
                "exact JSON types",
            )
    };
    o.add(lax(
        "CV-SCHEMA-0001",
        "iat as a numeric string (Q7)",
        &["trace", "iat"],
        s("1800000000"),
        "trace.iat",
    ));
    o.add(lax(
        "CV-SCHEMA-0002",
        "iat as a float 1796000000.0 (Q7)",
        &["trace", "iat"],
        Value::Float(1_796_000_000.0),
        "trace.iat",
    ));
    o.add(lax(
        "CV-SCHEMA-0003",
        "attestation_stale \"no\" (Q7)",
        &["gateway", "attestation_stale"],
        s("no"),
        "gateway.attestation_stale",
    ));
    o.add(lax(
        "CV-SCHEMA-0004",
        "attestation_stale 0 (Q7)",
        &["gateway", "attestation_stale"],
        int(0),
        "gateway.attestation_stale",
    ));
    o.add(lax(
        "CV-SCHEMA-0005",
        "kill_switch_triggered 1 (Q7)",
        &["gateway", "kill_switch_triggered"],
        int(1),
        "gateway.kill_switch_triggered",
    ));
    o.add(lax(
        "CV-SCHEMA-0006",
        "audit_chain.length as a string (Q7; crashes the reference)",
        &["gateway", "audit_chain", "length"],
        s("6"),
        "gateway.audit_chain.length",
    ));
    o.add(lax(
        "CV-SCHEMA-0007",
        "audit_chain.length 6.0 (Q7)",
        &["gateway", "audit_chain", "length"],
        Value::Float(6.0),
        "gateway.audit_chain.length",
    ));
    o.add(lax(
        "CV-SCHEMA-0008",
        "tool_transcript.call_count true (Q7)",
        &["trace", "tool_transcript", "call_count"],
        Value::Bool(true),
        "trace.tool_transcript.call_count",
    ));
    o.add(lax(
        "CV-SCHEMA-0009",
        "sequence_number \"1_0\" (Q7)",
        &["gateway", "sequence_number"],
        s("1_0"),
        "gateway.sequence_number",
    ));
    o.add(lax(
        "CV-SCHEMA-0010",
        "attestation_validity_seconds \" 86400 \" (Q7)",
        &["gateway", "attestation_validity_seconds"],
        s(" 86400 "),
        "gateway.attestation_validity_seconds",
    ));
    o.add(lax(
        "CV-SCHEMA-0011",
        "catalog.drift_detected \"off\" (Q7)",
        &["gateway", "catalog", "drift_detected"],
        s("off"),
        "gateway.catalog.drift_detected",
    ));
    o.add(lax(
        "CV-SCHEMA-0012",
        "tool_calls_total 5.0 (Q7)",
        &["gateway", "call_summary", "tool_calls_total"],
        Value::Float(5.0),
        "gateway.call_summary.tool_calls_total",
    ));
    let bad =
        |id: &str, desc: &str, path: &[&str], v: Option<Value>, field: &str, tags: &[&str]| {
            Vb::new(id, desc, "§1.1, §1.5", tags)
                .claim(&sw_edit(path, v))
                .st(UN, Some("CLAIM_MALFORMED"))
                .d("malformed_field", field)
                .l("schema", "failed")
        };
    o.add(bad(
        "CV-SCHEMA-0020",
        "missing gateway.session_id",
        &["gateway", "session_id"],
        None,
        "gateway.session_id",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0021",
        "unknown top-level member",
        &["aaa"],
        Some(int(1)),
        "aaa",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0022",
        "iat below 1700000000",
        &["trace", "iat"],
        Some(int(5)),
        "trace.iat",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0023",
        "subject without spiffe://",
        &["trace", "subject"],
        Some(s("https://x")),
        "trace.subject",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0024",
        "wrong eat_profile",
        &["trace", "eat_profile"],
        Some(s("tag:agentrust-io.com,2026:trace-v0.1")),
        "trace.eat_profile",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0025",
        "platform opaque is not in the enum (Q25)",
        &["trace", "runtime", "platform"],
        Some(s("opaque")),
        "trace.runtime.platform",
        &["schema", "Q25"],
    ));
    o.add(bad(
        "CV-SCHEMA-0026",
        "measurement in upper-case hex",
        &["trace", "runtime", "measurement"],
        Some(s(&format!("sha256:{}", "A".repeat(64)))),
        "trace.runtime.measurement",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0027",
        "measurement with a trailing newline",
        &["trace", "runtime", "measurement"],
        Some(s(&format!("sha256:{}\n", "0".repeat(64)))),
        "trace.runtime.measurement",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0028",
        "transcript entry decision outside the enum",
        &["trace", "tool_transcript", "entries"],
        Some(Value::Array(vec![obj(vec![
            ("tool_name", s("t")),
            ("data_class", s("internal")),
            ("decision", s("maybe")),
        ])])),
        "trace.tool_transcript.entries.0.decision",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0029",
        "evidence in trace.runtime (legacy fallback, Q25)",
        &["trace", "runtime", "raw_evidence"],
        Some(s("AAAA")),
        "trace.runtime.raw_evidence",
        &["schema", "Q25"],
    ));
    let mut signull = sw().0;
    set(&mut signull, &["signature"], Some(Value::Null));
    o.add(
        Vb::new(
            "CV-SCHEMA-0030",
            "signature null (not optional-nullable)",
            "§1.1",
            &["schema"],
        )
        .claim(&signull)
        .st(UN, Some("CLAIM_MALFORMED"))
        .d("malformed_field", "signature"),
    );
    o.add(bad(
        "CV-SCHEMA-0031",
        "catalog_exceptions null",
        &["gateway", "catalog_exceptions"],
        Some(Value::Null),
        "gateway.catalog_exceptions",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0032",
        "agent_identity with only manifest_id",
        &["gateway", "agent_identity"],
        Some(obj(vec![("manifest_id", s("m"))])),
        "gateway.agent_identity.agent_id",
        &["schema", "agent-identity"],
    ));
    o.add(bad(
        "CV-SCHEMA-0033",
        "gateway not an object",
        &["gateway"],
        Some(strs(&["x"])),
        "gateway",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0034",
        "tools_invoked with a number",
        &["gateway", "call_summary", "tools_invoked"],
        Some(Value::Array(vec![s("a"), s("b"), int(3)])),
        "gateway.call_summary.tools_invoked.2",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0035",
        "catalog_exceptions value not a string",
        &["gateway", "catalog_exceptions"],
        Some(Value::Array(vec![obj(vec![("a", int(1))])])),
        "gateway.catalog_exceptions.0.a",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0036",
        "unknown member in trace.runtime",
        &["trace", "runtime", "raw_quote"],
        Some(s("AAAA")),
        "trace.runtime.raw_quote",
        &["schema", "Q5"],
    ));
    o.add(bad(
        "CV-SCHEMA-0037",
        "policy_signing key_id with bad pattern",
        &["gateway", "policy_signing"],
        Some(obj(vec![("key_id", s("sha256:xyz"))])),
        "gateway.policy_signing.key_id",
        &["schema"],
    ));
    o.add(bad(
        "CV-SCHEMA-0038",
        "attestation_evidence with an unknown member",
        &["gateway", "attestation_evidence"],
        Some(obj(vec![("quote", s("AAAA"))])),
        "gateway.attestation_evidence.quote",
        &["schema"],
    ));
}

fn json_vectors(o: &mut Out) {
    let (c, _) = sw();
    let text = compact(&c);
    let sec = "README Decisions 4; §2.3; §8 Q22";
    let j = |id: &str, desc: &str, bytes: String, tags: &[&str]| {
        Vb::new(id, desc, sec, tags)
            .claim_bytes(bytes)
            .st(UN, Some("CLAIM_MALFORMED"))
            .d("malformed_field", "claim")
    };
    let dup_top = format!("{{\"cmcp_version\":\"1.0\",{}", text.get(1..).unwrap_or(""));
    o.add(
        j(
            "CV-JSON-0001",
            "duplicate top-level member (Q22)",
            dup_top,
            &["json", "quirk", "Q22"],
        )
        .div("Q22", "last value wins silently", "duplicates rejected"),
    );
    let dup_nested = replace_once(
        &text,
        "\"data_class\":",
        "\"data_class\":\"public\",\"data_class\":",
    );
    o.add(
        j(
            "CV-JSON-0002",
            "duplicate nested member trace.data_class (Q22)",
            dup_nested,
            &["json", "quirk", "Q22"],
        )
        .div(
            "Q22",
            "last value wins silently (signature then fails or passes depending on the value)",
            "duplicates rejected",
        ),
    );
    o.add(
        j(
            "CV-JSON-0003",
            "NaN literal",
            replace_once(
                &text,
                "\"attestation_validity_seconds\":86400",
                "\"attestation_validity_seconds\":NaN",
            ),
            &["json", "Q22"],
        )
        .div("Q7", "NaN parses as a float", "rejected"),
    );
    o.add(j(
        "CV-JSON-0004",
        "Infinity literal",
        replace_once(
            &text,
            "\"attestation_validity_seconds\":86400",
            "\"attestation_validity_seconds\":Infinity",
        ),
        &["json"],
    ));
    o.add(
        j(
            "CV-JSON-0005",
            "lone surrogate in a string",
            replace_once(&text, "\"version\":\"1.0.0\"", "\"version\":\"\\ud800\""),
            &["json"],
        )
        .div("Q22", "lone surrogate kept and re-emitted", "rejected"),
    );
    o.add(j(
        "CV-JSON-0006",
        "trailing data after the object",
        format!("{text} {{}}"),
        &["json"],
    ));
    o.add(j(
        "CV-JSON-0007",
        "trailing comma in an object",
        replace_once(&text, "\"version\":\"1.0.0\"}", "\"version\":\"1.0.0\",}"),
        &["json"],
    ));
    o.add(j(
        "CV-JSON-0008",
        "claim is an array",
        "[1,2]".into(),
        &["json", "schema"],
    ));
    o.add(j("CV-JSON-0009", "empty file", String::new(), &["json"]));
    o.add(j(
        "CV-JSON-0010",
        "claim is null",
        "null".into(),
        &["json", "schema"],
    ));
    o.add(j(
        "CV-JSON-0011",
        "comment in JSON",
        format!("// claim\n{text}"),
        &["json"],
    ));
    o.add(j(
        "CV-JSON-0012",
        "single-quoted string",
        replace_once(&text, "\"version\":\"1.0.0\"", "\"version\":'1.0.0'"),
        &["json"],
    ));
    o.add(j(
        "CV-JSON-0013",
        "raw control character in a string",
        replace_once(&text, "\"version\":\"1.0.0\"", "\"version\":\"1.0\t0\""),
        &["json"],
    ));
    o.add(j(
        "CV-JSON-0014",
        "-Infinity literal",
        replace_once(
            &text,
            "\"attestation_validity_seconds\":86400",
            "\"attestation_validity_seconds\":-Infinity",
        ),
        &["json"],
    ));
    let mut bad_utf8 = text.clone().into_bytes();
    if let Some(b) = text.find("1.0.0").and_then(|p| bad_utf8.get_mut(p)) {
        *b = 0xff;
    }
    o.add(
        Vb::new("CV-JSON-0015", "invalid UTF-8 byte", sec, &["json"])
            .claim_bytes(bad_utf8)
            .st(UN, Some("CLAIM_MALFORMED")),
    );
    o.add(j(
        "CV-JSON-0016",
        "deeply nested value (depth 200)",
        replace_once(
            &text,
            "\"cross_boundary_events\":[]",
            &format!(
                "\"cross_boundary_events\":[{}{}]",
                "[".repeat(200),
                "]".repeat(200)
            ),
        ),
        &["json"],
    ));
    o.add(Vb::new("CV-JSON-0017", "pretty-printed claim with non-canonical key order and escapes still verifies (canonical bytes re-derived)", "README Decisions 4; §2.1", &["json", "canonical"])
        .claim_bytes(crate::jsonx::pretty(&c).replace("\"1.0.0\"", "\"1\\u002e0.0\"")).st(PS, None).l("signature", VE));
    o.add(
        Vb::new(
            "CV-JSON-0018",
            "big integer in an ignored position is kept exactly (iat 10^30)",
            "§2.2 integers",
            &["json", "canonical"],
        )
        .claim(&sw_edit(
            &["trace", "iat"],
            Some(Value::Int(Int::Big(
                "1000000000000000000000000000000".into(),
            ))),
        ))
        .st(PS, None)
        .l("signature", VE),
    );
    o.add(
        Vb::new(
            "CV-JSON-0019",
            "non-ASCII and non-BMP text in a signed string (PYJSON \\u escapes)",
            "§2.2 string escaping",
            &["json", "canonical"],
        )
        .claim(&sw_edit(
            &["trace", "policy", "version"],
            Some(s("modèle-🤖\u{7f}\u{2028}")),
        ))
        .st(PS, None)
        .l("signature", VE),
    );
    // The documented caps, on both sides: nesting 64 levels in all (the claim
    // object is level 1, `cross_boundary_events` level 5, its one event
    // object level 6), integers of 4300 digits. Each signed claim verifies at
    // the cap and is malformed past it.
    let cbe = [
        "gateway",
        "call_summary",
        "call_graph_summary",
        "cross_boundary_events",
    ];
    // An array holding one event nested `levels - 1` objects deep.
    let nested = |levels: usize| {
        let event = (2..levels).fold(obj(vec![]), |inner, _| obj(vec![("x", inner)]));
        Value::Array(vec![event])
    };
    let caps = "SECURITY.md input caps; §2.3";
    o.add(
        Vb::new(
            "CV-JSON-0020",
            "nesting at the cap: 64 levels in all, signed: verifies",
            caps,
            &["json", "cap"],
        )
        .claim(&sw_edit(&cbe, Some(nested(60))))
        .st(PS, None)
        .l("schema", VE)
        .l("signature", VE),
    );
    o.add(
        Vb::new(
            "CV-JSON-0021",
            "nesting one level over the cap (65 levels), signed: malformed",
            caps,
            &["json", "cap"],
        )
        .claim(&sw_edit(&cbe, Some(nested(61))))
        .st(UN, Some("CLAIM_MALFORMED"))
        .d("malformed_field", "claim"),
    );
    let digits = |n: usize| Value::Int(Int::Big(format!("1{}", "0".repeat(n - 1)).into()));
    o.add(
        Vb::new(
            "CV-JSON-0022",
            "an integer of 4300 digits (the cap) in a signed position: kept exactly, verifies",
            caps,
            &["json", "cap", "canonical"],
        )
        .claim(&sw_edit(&["trace", "iat"], Some(digits(4300))))
        .st(PS, None)
        .l("schema", VE)
        .l("signature", VE),
    );
    o.add(
        Vb::new(
            "CV-JSON-0023",
            "an integer of 4301 digits, one over the cap: malformed",
            caps,
            &["json", "cap"],
        )
        .claim(&sw_edit(&["trace", "iat"], Some(digits(4301))))
        .st(UN, Some("CLAIM_MALFORMED"))
        .d("malformed_field", "claim"),
    );
}

fn hw_vectors(o: &mut Out) {
    let sec = "README Decisions 8; claim-chain-receipts.md §3.4, §3.5, §4.4";
    let c = hw("amd-sev-snp");
    o.add(Vb::new("CV-HW-0001", "amd-sev-snp claim whose nonce binds the key and commits SHA-256 of the chain root; no evidence verifier: hardware part not established", sec, &["hardware", "nonce", "bug-class", "chain-root"])
        .claim(&c).st(PS, None).l("public_key_binding", "not_established").l("audit_chain_binding", "not_established").l("hardware_attestation", "not_established").l("measurement_binding", "absent"));
    let base = sw().0;
    let mut wrong = [0u8; 32];
    wrong[0] = 0xee;
    let n_bad_root = b64u_encode(&nonce(&base, wrong));
    o.add(
        Vb::new(
            "CV-HW-0002",
            "amd-sev-snp nonce[32:64] does not commit the chain root",
            sec,
            &["hardware", "nonce", "bug-class", "chain-root", "Q1"],
        )
        .claim(&hw_with("amd-sev-snp", Some(&n_bad_root)))
        .st(UN, Some("CHAIN_ROOT_NOT_BOUND"))
        .l("public_key_binding", "not_established")
        .l("audit_chain_binding", "failed")
        .div("Q1", "partially_verified / CHAIN_ROOT_NOT_BOUND", "Q1"),
    );
    let mut n_bad_key = nonce(&base, root_commit(&base));
    if let Some(b) = n_bad_key.get_mut(0) {
        *b ^= 0xff;
    }
    o.add(
        Vb::new(
            "CV-HW-0003",
            "amd-sev-snp nonce[0:32] is not the key thumbprint",
            sec,
            &["hardware", "nonce", "Q1"],
        )
        .claim(&hw_with("amd-sev-snp", Some(&b64u_encode(&n_bad_key))))
        .st(UN, Some("PUBLIC_KEY_NOT_BOUND"))
        .l("public_key_binding", "failed")
        .l("audit_chain_binding", "not_established"),
    );
    o.add(
        Vb::new(
            "CV-HW-0004",
            "amd-sev-snp claim without a nonce: key unbound, root uncommitted, report_data absent",
            sec,
            &["hardware", "nonce", "report-data"],
        )
        .claim(&hw_with("amd-sev-snp", None))
        .st(UN, Some("PUBLIC_KEY_NOT_BOUND"))
        .l("public_key_binding", "failed")
        .l("audit_chain_binding", "failed")
        .l("hardware_attestation", "failed"),
    );
    let good_n = b64u_encode(&nonce(&base, root_commit(&base)));
    o.add(Vb::new("CV-HW-0005", "report_data taken from the nonce: a padded nonce is not canonical, so report_data is absent (Q14)", "§2.7 strict nonce rule; §3.5", &["hardware", "nonce", "report-data", "bug-class", "Q14"])
        .claim(&hw_with("amd-sev-snp", Some(&pad(&good_n)))).st(UN, Some("PUBLIC_KEY_NOT_BOUND")).l("hardware_attestation", "failed")
        .div("Q14", "partially_verified / HARDWARE_ATTESTATION_FAILED: tolerant decoding binds key and root, report_data absent", "one strict decoder for every use of the nonce"));
    o.add(
        Vb::new(
            "CV-HW-0006",
            "report_data taken from the nonce: non-zero unused trailing bits",
            "§2.7 strict nonce rule",
            &["hardware", "nonce", "report-data", "Q14"],
        )
        .claim(&hw_with("amd-sev-snp", Some(&noncanonical_tail(&good_n))))
        .st(UN, Some("PUBLIC_KEY_NOT_BOUND"))
        .l("hardware_attestation", "failed"),
    );
    let n32 = b64u_encode(thumbprint(&x_of(&base)).as_slice());
    o.add(
        Vb::new(
            "CV-HW-0007",
            "nonce of only 32 bytes (the key thumbprint)",
            "§3.3, §3.4",
            &["hardware", "nonce", "report-data"],
        )
        .claim(&hw_with("amd-sev-snp", Some(&n32)))
        .st(UN, Some("PUBLIC_KEY_NOT_BOUND"))
        .l("audit_chain_binding", "failed")
        .l("hardware_attestation", "failed"),
    );
    o.add(
        Vb::new(
            "CV-HW-0008",
            "nonce in the standard base64 alphabet",
            "§2.7 strict nonce rule",
            &["hardware", "nonce", "report-data", "Q14"],
        )
        .claim(&hw_with("amd-sev-snp", Some(&std_alphabet(&good_n))))
        .st(UN, Some("PUBLIC_KEY_NOT_BOUND")),
    );
    // Measurement binding (Q3).
    let gm_hex = hex_encode(&GM);
    let n_gm = b64u_encode(&nonce(&base, GM));
    o.add(Vb::new("CV-HW-0010", "nonce commits the expected gateway measurement instead of the root: measurement verified, root not established (Q3)", "README Decisions 8; §8 Q3", &["hardware", "nonce", "measurement", "quirk", "Q3"])
        .claim(&hw_with("amd-sev-snp", Some(&n_gm))).opt("gateway_measurement", s(&gm_hex)).st(PS, None).l("measurement_binding", "not_established").l("audit_chain_binding", "not_established")
        .div("Q3", "partially_verified / CHAIN_ROOT_NOT_BOUND (a measurement-bound claim always fails the root binding)", "surface the conflict as not_established"));
    o.add(Vb::new("CV-HW-0011", "gateway measurement supplied, nonce commits the root: root verified, measurement not established (Q3)", "README Decisions 8; §8 Q3", &["hardware", "nonce", "measurement", "quirk", "Q3"])
        .claim(&c).opt("gateway_measurement", s(&gm_hex)).st(PS, None).l("audit_chain_binding", "not_established").l("measurement_binding", "not_established")
        .div("Q3", "partially_verified / MEASUREMENT_NOT_BOUND", "surface the conflict as not_established"));
    o.add(
        Vb::new(
            "CV-HW-0012",
            "gateway measurement supplied, nonce commits neither",
            "README Decisions 8",
            &["hardware", "nonce", "measurement", "Q3"],
        )
        .claim(&hw_with("amd-sev-snp", Some(&n_bad_root)))
        .opt("gateway_measurement", s(&gm_hex))
        .st(UN, Some("CHAIN_ROOT_NOT_BOUND"))
        .l("measurement_binding", "failed")
        .l("audit_chain_binding", "failed"),
    );
    o.add(
        Vb::new(
            "CV-HW-0013",
            "measurement-bound nonce without --gateway-measurement fails the root binding",
            "README Decisions 8",
            &["hardware", "nonce", "measurement", "Q3"],
        )
        .claim(&hw_with("amd-sev-snp", Some(&n_gm)))
        .st(UN, Some("CHAIN_ROOT_NOT_BOUND")),
    );
    // Other platforms.
    o.add(
        Vb::new(
            "CV-HW-0020",
            "intel-tdx claim with a root-committing nonce, no evidence verifier",
            sec,
            &["hardware", "nonce", "chain-root"],
        )
        .claim(&hw("intel-tdx"))
        .st(PS, None)
        .l("audit_chain_binding", "not_established")
        .l("hardware_attestation", "not_established"),
    );
    o.add(
        Vb::new(
            "CV-HW-0021",
            "azure-cvm-sev-snp claim with a root-committing nonce, no evidence verifier",
            sec,
            &["hardware", "nonce", "chain-root"],
        )
        .claim(&hw("azure-cvm-sev-snp"))
        .st(PS, None)
        .l("audit_chain_binding", "not_established")
        .l("hardware_attestation", "not_established"),
    );
    o.add(Vb::new("CV-HW-0022", "tpm2 (real firmware) claim: nonce[0:32] binds the key, the chain root is not hardware-committed", "README Decisions 8", &["hardware", "nonce", "tpm"])
        .claim(&hw("tpm2")).st(PS, None).l("public_key_binding", "not_established").l("audit_chain_binding", "not_established")
        .div("README-8", "audit_chain_binding verified", "a TPM quote carries only nonce[0:32]"));
    o.add(
        Vb::new(
            "CV-HW-0023",
            "intel-tdx claim with a root-mismatching nonce",
            sec,
            &["hardware", "nonce", "chain-root"],
        )
        .claim(&hw_with("intel-tdx", Some(&n_bad_root)))
        .st(UN, Some("CHAIN_ROOT_NOT_BOUND")),
    );
    o.add(
        Vb::new(
            "CV-HW-0024",
            "intel-tdx claim without a nonce",
            sec,
            &["hardware", "nonce", "report-data"],
        )
        .claim(&hw_with("intel-tdx", None))
        .st(UN, Some("PUBLIC_KEY_NOT_BOUND"))
        .l("hardware_attestation", "failed"),
    );
    o.add(
        Vb::new(
            "CV-HW-0025",
            "nvidia-h100: platform not supported is not established, not a failure",
            "README Decisions 1",
            &["hardware", "unsupported"],
        )
        .claim(&hw("nvidia-h100"))
        .st(PS, None)
        .l("hardware_attestation", "not_established")
        .div(
            "README-1",
            "partially_verified / UNSUPPORTED_PROVIDER",
            "unsupported = not established",
        ),
    );
    o.add(
        Vb::new(
            "CV-HW-0026",
            "aws-nitro: platform not supported",
            "README Decisions 1",
            &["hardware", "unsupported"],
        )
        .claim(&hw("aws-nitro"))
        .st(PS, None)
        .l("hardware_attestation", "not_established"),
    );
    // Evidence presence and encodings.
    let ev = |enc: &str| {
        hw_edit(
            "amd-sev-snp",
            &["gateway", "attestation_evidence"],
            Some(obj(vec![("raw_evidence", s(enc))])),
        )
    };
    o.add(
        Vb::new(
            "CV-HW-0030",
            "amd-sev-snp with 48 junk raw_evidence bytes: not an SNP report, refused",
            sec,
            &["hardware", "evidence"],
        )
        .claim(&ev(&b64u_encode(&[7u8; 48])))
        .st(UN, Some("HARDWARE_ATTESTATION_FAILED"))
        .l("hardware_attestation", "failed"),
    );
    o.add(
        Vb::new(
            "CV-HW-0031",
            "raw_evidence with padding (not the producer's alphabet)",
            "README Decisions 5",
            &["hardware", "evidence", "Q14"],
        )
        .claim(&ev(&pad(&b64u_encode(&[7u8; 47]))))
        .st(UN, Some("HARDWARE_ATTESTATION_FAILED"))
        .l("hardware_attestation", "failed")
        .div("Q14", "evidence decoded tolerantly", "exact alphabet"),
    );
    o.add(
        Vb::new(
            "CV-HW-0032",
            "raw_evidence in the standard alphabet with + and /",
            "README Decisions 5",
            &["hardware", "evidence", "Q14"],
        )
        .claim(&ev("++//++//"))
        .st(UN, Some("HARDWARE_ATTESTATION_FAILED")),
    );
    // Launch measurement on hardware.
    o.add(Vb::new("CV-HW-0040", "hardware claim with its launch measurement pinned but no hardware verification: approved, not established", "§4.3 step 14", &["hardware", "launch-measurement"])
        .claim(&c).opt("launch_measurements", strs(&[format!("sha384:{}", "9e".repeat(48))])).st(PS, None).l("launch_measurement", "not_established"));
    o.add(
        Vb::new(
            "CV-HW-0041",
            "hardware claim whose measurement is not among the pinned launch measurements",
            "§4.3 step 14",
            &["hardware", "launch-measurement"],
        )
        .claim(&c)
        .opt(
            "launch_measurements",
            strs(&[format!("sha384:{}", "9f".repeat(48))]),
        )
        .st(UN, Some("HARDWARE_ATTESTATION_FAILED"))
        .l("launch_measurement", "failed"),
    );
    // Precedence.
    let mut both = hw_with("amd-sev-snp", Some(&b64u_encode(&n_bad_key)));
    let sig = b64u_dec(&sig_of(&both));
    let mut sig2 = sig.clone();
    if let Some(b) = sig2.get_mut(3) {
        *b ^= 1;
    }
    both = with_sig(&both, &b64u_encode(&sig2));
    o.add(
        Vb::new(
            "CV-HW-0050",
            "forged signature and unbound key: PUBLIC_KEY_NOT_BOUND outranks SIGNATURE_INVALID",
            "§4.2 precedence",
            &["hardware", "precedence"],
        )
        .claim(&both)
        .st(UN, Some("PUBLIC_KEY_NOT_BOUND"))
        .l("signature", "failed")
        .l("public_key_binding", "failed"),
    );
    o.add(Vb::new("CV-HW-0051", "stale hardware claim with a chain-root mismatch: ATTESTATION_STALE outranks CHAIN_ROOT_NOT_BOUND", "§4.2 precedence", &["hardware", "precedence"])
        .claim(&hw_with("amd-sev-snp", Some(&n_bad_root))).opt("now", s("2026-12-05T00:00:00Z")).st(UN, Some("ATTESTATION_STALE")).l("audit_chain_binding", "failed"));
    // Software-only with a nonce (Q6).
    let mut sw_n = base.clone();
    set(
        &mut sw_n,
        &["trace", "runtime", "nonce"],
        Some(s(&n_bad_root)),
    );
    resign(&mut sw_n);
    o.add(
        Vb::new(
            "CV-HW-0060",
            "software-only claim carrying a nonce that does not commit the root: fatal (Q6)",
            "§3.4 step 7; §8 Q6",
            &["software-only", "nonce", "Q6"],
        )
        .claim(&sw_n)
        .st(UN, Some("CHAIN_ROOT_NOT_BOUND"))
        .l("audit_chain_binding", "failed"),
    );
    let mut sw_ok = base.clone();
    set(&mut sw_ok, &["trace", "runtime", "nonce"], Some(s(&good_n)));
    resign(&mut sw_ok);
    o.add(
        Vb::new(
            "CV-HW-0061",
            "software-only claim carrying a root-committing nonce: still not hardware-backed",
            "§3.4 step 8",
            &["software-only", "nonce"],
        )
        .claim(&sw_ok)
        .st(PS, None)
        .l("audit_chain_binding", "not_established")
        .l("public_key_binding", "not_established"),
    );
    o.add(
        Vb::new(
            "CV-HW-0062",
            "trusted key pinned on a hardware claim",
            "§4.3 step 4",
            &["hardware", "trusted-key"],
        )
        .claim(&c)
        .opt(
            "trusted_key",
            s(&hex_encode(&key().verifying_key().to_bytes())),
        )
        .st(PS, None)
        .l("trusted_public_key", VE),
    );
}

fn bundle_with(es: Vec<Value>) -> Value {
    bundle_for(SID, es, &key())
}

fn edit_entry(es: &mut [Value], i: usize, path: &[&str], v: Option<Value>) {
    if let Some(e) = es.get_mut(i) {
        set(e, path, v);
    }
}

/// A claim re-derived for these entries by the genuine gateway key (what a
/// compromised-then-honest signer would produce).
fn claim_for(calls: Session) -> (Value, Value) {
    calls.build()
}

fn bundle_vectors(o: &mut Out) {
    let (c, b) = sw();
    let es = entries(&b);
    let sec = "claim-chain-receipts.md §5; README CLI contract";
    o.add(
        Vb::new(
            "CV-BUNDLE-0001",
            "genuine claim and bundle: bundle verified, overall partially_verified (software-only)",
            sec,
            &["bundle", "software-only"],
        )
        .claim(&c)
        .bundle(&b)
        .st(PS, None)
        .l("audit_bundle.entries", VE)
        .l("audit_bundle.claim_binding", VE)
        .l("audit_bundle.signature", VE)
        .bc(&[]),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0002",
            "bundle command with its claim",
            sec,
            &["bundle"],
        )
        .bundle_cmd()
        .claim(&c)
        .bundle(&b)
        .st(PS, None)
        .l("audit_bundle.signature", "verified")
        .l("audit_bundle.claim", "not_established")
        .bc(&[]),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0003",
            "bundle command without a claim: nothing vouches for it",
            sec,
            &["bundle"],
        )
        .bundle_cmd()
        .bundle(&b)
        .st(PS, None)
        .l("audit_bundle.claim_binding", "not_established")
        .l("audit_bundle.signature", "not_established")
        .bc(&[]),
    );
    // Tail cut.
    let mut cut = es.clone();
    cut.pop();
    let cut_b = with_member(&b, "entries", Value::Array(cut.clone()));
    o.add(
        Vb::new(
            "CV-BUNDLE-0010",
            "bundle whose tail was cut (signature kept)",
            sec,
            &["bundle", "bug-class", "truncation"],
        )
        .claim(&c)
        .bundle(&cut_b)
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&[
            "CLAIM_MISMATCH",
            "CLAIM_MISMATCH",
            "CLAIM_MISMATCH",
            "CLAIM_MISMATCH",
            "CLAIM_MISMATCH",
            "CLAIM_MISMATCH",
            "BUNDLE_SIGNATURE_INVALID",
        ]),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0011",
            "bundle whose tail was cut and re-signed by the gateway key",
            sec,
            &["bundle", "bug-class", "truncation"],
        )
        .claim(&c)
        .bundle(&bundle_with(cut.clone()))
        .st(UN, Some("CHAIN_BROKEN"))
        .l("audit_bundle.signature", VE)
        .l("audit_bundle.claim_binding", "failed"),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0012",
            "tail cut, bundle command without a claim: the chain itself still links",
            sec,
            &["bundle", "truncation"],
        )
        .bundle_cmd()
        .bundle(&bundle_with(cut))
        .st(PS, None)
        .l("audit_bundle.entries", VE)
        .bc(&[]),
    );
    // Edited entry.
    let mut ed = es.clone();
    edit_entry(&mut ed, 2, &["tool_name"], Some(s("payments.refund_all")));
    o.add(
        Vb::new(
            "CV-BUNDLE-0020",
            "edited entry (tool_name) without rehash",
            sec,
            &["bundle", "bug-class", "edit"],
        )
        .claim(&c)
        .bundle(&with_member(&b, "entries", Value::Array(ed.clone())))
        .st(UN, Some("CHAIN_BROKEN"))
        .l("audit_bundle.entries", "failed"),
    );
    let mut ed_rehash = es.clone();
    edit_entry(&mut ed_rehash, 2, &["policy_decision"], Some(s("allow")));
    if let Some(Value::Object(e)) = ed_rehash.get_mut(2) {
        let h = cmcp_verify::chain::entry_hash_hex(e);
        e.insert("entry_hash", s(&h));
    }
    o.add(
        Vb::new(
            "CV-BUNDLE-0021",
            "edited entry rehashed but not relinked: the next link breaks",
            sec,
            &["bundle", "edit"],
        )
        .bundle_cmd()
        .claim(&c)
        .bundle(&bundle_with(ed_rehash))
        .st(UN, Some("CHAIN_BROKEN")),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0022",
            "edited entry (decision) relinked and re-signed: the claim's counts and tip disagree",
            sec,
            &["bundle", "edit"],
        )
        .claim(&c)
        .bundle(&{
            let mut x = es.clone();
            edit_entry(&mut x, 2, &["policy_decision"], Some(s("allow")));
            relink(&mut x);
            bundle_with(x)
        })
        .st(UN, Some("CHAIN_BROKEN"))
        .l("audit_bundle.entries", VE)
        .l("audit_bundle.claim_binding", "failed"),
    );
    // Dropped entry re-linked and re-signed.
    let mut dropped = es.clone();
    dropped.remove(3);
    relink(&mut dropped);
    o.add(
        Vb::new(
            "CV-BUNDLE-0030",
            "dropped entry, re-linked and re-signed: sequence numbers and the claim give it away",
            sec,
            &["bundle", "bug-class", "drop"],
        )
        .claim(&c)
        .bundle(&bundle_with(dropped.clone()))
        .st(UN, Some("CHAIN_BROKEN"))
        .l("audit_bundle.entries", "failed"),
    );
    o.add(Vb::new("CV-BUNDLE-0031", "dropped entry, re-linked and re-signed, bundle command without a claim (Q10: sequence checked)", "§8 Q10", &["bundle", "drop", "quirk", "Q10"])
        .bundle_cmd().bundle(&bundle_with(dropped)).st(UN, Some("CHAIN_BROKEN")).div("Q10", "verified: sequence numbers unchecked", "sequence numbers checked"));
    // Swapped entries.
    let mut sw_es = es.clone();
    sw_es.swap(1, 2);
    o.add(
        Vb::new(
            "CV-BUNDLE-0040",
            "two entries swapped (not relinked)",
            sec,
            &["bundle", "bug-class", "swap"],
        )
        .claim(&c)
        .bundle(&bundle_with(sw_es.clone()))
        .st(UN, Some("CHAIN_BROKEN")),
    );
    relink(&mut sw_es);
    o.add(
        Vb::new(
            "CV-BUNDLE-0041",
            "two entries swapped and relinked, re-signed",
            sec,
            &["bundle", "swap", "Q10"],
        )
        .claim(&c)
        .bundle(&bundle_with(sw_es.clone()))
        .st(UN, Some("CHAIN_BROKEN")),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0042",
            "swapped+relinked bundle alone (Q10)",
            "§8 Q10",
            &["bundle", "swap", "Q10"],
        )
        .bundle_cmd()
        .bundle(&bundle_with(sw_es))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["SEQUENCE_MISMATCH", "SEQUENCE_MISMATCH"]),
    );
    // Signature.
    let other = bundle_for(SID, es.clone(), &SigningKey::from_bytes(&OTHER));
    o.add(
        Vb::new(
            "CV-BUNDLE-0050",
            "bundle signed by another key",
            "§5.6",
            &["bundle", "bug-class", "bundle-signature"],
        )
        .claim(&c)
        .bundle(&other)
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["BUNDLE_SIGNATURE_INVALID"]),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0051",
            "bundle_signature missing",
            "§5.6",
            &["bundle", "bundle-signature"],
        )
        .claim(&c)
        .bundle(&without(&b, "bundle_signature"))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["BUNDLE_SIGNATURE_MISSING"]),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0052",
            "bundle_signature null",
            "§5.6",
            &["bundle", "bundle-signature"],
        )
        .claim(&c)
        .bundle(&with_member(&b, "bundle_signature", Value::Null))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["BUNDLE_SIGNATURE_MISSING"]),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0053",
            "bundle_signature a number",
            "§5.6",
            &["bundle", "bundle-signature"],
        )
        .claim(&c)
        .bundle(&with_member(&b, "bundle_signature", int(7)))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["BUNDLE_SIGNATURE_INVALID"]),
    );
    let bs = get_str(&b, &["bundle_signature"]);
    o.add(
        Vb::new(
            "CV-BUNDLE-0054",
            "genuine bundle_signature with padding (Q14)",
            "§8 Q14",
            &["bundle", "bundle-signature", "quirk", "Q14"],
        )
        .claim(&c)
        .bundle(&with_member(&b, "bundle_signature", s(&pad(&bs))))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["BUNDLE_SIGNATURE_INVALID"])
        .div(
            "Q14",
            "verified (tolerant base64)",
            "canonical base64url only",
        ),
    );
    let raw_sig = b64u_encode(
        &key()
            .sign(&cmcp_verify::json::canonical::pyjson_vec(&Value::Array(
                es.clone(),
            )))
            .to_bytes(),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0055",
            "bundle signature over the canonical entries, not their SHA-256 pre-hash (Q26)",
            "§5.6; §8 Q26",
            &["bundle", "bundle-signature", "quirk", "Q26"],
        )
        .claim(&c)
        .bundle(&with_member(&b, "bundle_signature", s(&raw_sig)))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["BUNDLE_SIGNATURE_INVALID"]),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0056",
            "bundle_signature with non-canonical trailing bits (Q14)",
            "§8 Q14",
            &["bundle", "bundle-signature", "Q14"],
        )
        .claim(&c)
        .bundle(&with_member(
            &b,
            "bundle_signature",
            s(&noncanonical_tail(&bs)),
        ))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["BUNDLE_SIGNATURE_INVALID"]),
    );
    // Forged claim with a bundle.
    let mut fsig = b64u_dec(&sig_of(&c));
    if let Some(x) = fsig.get_mut(5) {
        *x ^= 4;
    }
    let forged = with_sig(&c, &b64u_encode(&fsig));
    o.add(
        Vb::new(
            "CV-BUNDLE-0060",
            "claim + bundle where the claim is forged: its key cannot vouch for the bundle",
            sec,
            &["bundle", "bug-class", "forged"],
        )
        .claim(&forged)
        .bundle(&b)
        .st(UN, Some("SIGNATURE_INVALID"))
        .l("audit_bundle.signature", "not_established")
        .bc(&["CLAIM_NOT_AUTHENTIC"]),
    );
    o.add(Vb::new("CV-BUNDLE-0061", "bundle command with a forged claim (Q10: the bundle verifier does not trust the claim)", "§8 Q10", &["bundle", "forged", "quirk", "Q10"])
        .bundle_cmd().claim(&forged).bundle(&b).st(UN, Some("SIGNATURE_INVALID")).l("audit_bundle.claim", "failed").bc(&["CLAIM_NOT_AUTHENTIC"])
        .div("Q10", "verified: the claim's signature is not checked", "a claim must verify before its key vouches"));
    // Shapes.
    let shape = |id: &str, desc: &str, bundle: Vec<u8>, codes: &[&str]| {
        Vb::new(id, desc, "§5.1", &["bundle", "shape", "bug-class"])
            .claim(&c)
            .bundle_bytes(bundle)
            .st(UN, Some("CHAIN_BROKEN"))
            .bc(codes)
    };
    o.add(shape(
        "CV-BUNDLE-0070",
        "bundle is an array",
        b"[]".to_vec(),
        &["BUNDLE_MALFORMED"],
    ));
    o.add(shape(
        "CV-BUNDLE-0071",
        "bundle.entries is an object (non-list entries)",
        br#"{"session_id":"x","entries":{},"bundle_signature":"AA"}"#.to_vec(),
        &["BUNDLE_MALFORMED"],
    ));
    let mut with_num = es.clone();
    with_num.insert(2, int(5));
    o.add(shape(
        "CV-BUNDLE-0072",
        "an entry that is a number (non-object entry)",
        compact(&bundle_with(with_num)).into_bytes(),
        &["BUNDLE_MALFORMED"],
    ));
    let mut with_null = es.clone();
    with_null.push(Value::Null);
    o.add(shape(
        "CV-BUNDLE-0073",
        "a null entry at the end",
        compact(&bundle_with(with_null)).into_bytes(),
        &["BUNDLE_MALFORMED"],
    ));
    let mut with_list = es.clone();
    with_list.insert(0, Value::Array(vec![]));
    o.add(shape(
        "CV-BUNDLE-0074",
        "an entry that is a list",
        compact(&bundle_with(with_list)).into_bytes(),
        &["BUNDLE_MALFORMED"],
    ));
    o.add(shape(
        "CV-BUNDLE-0075",
        "empty entries",
        br#"{"session_id":"x","entries":[],"bundle_signature":"AA"}"#.to_vec(),
        &["BUNDLE_EMPTY"],
    ));
    o.add(shape(
        "CV-BUNDLE-0076",
        "entries absent",
        br#"{"session_id":"x"}"#.to_vec(),
        &["BUNDLE_EMPTY"],
    ));
    o.add(shape(
        "CV-BUNDLE-0077",
        "bundle is not JSON",
        b"{\"entries\":[".to_vec(),
        &["BUNDLE_MALFORMED"],
    ));
    let dup = format!(
        "{{\"session_id\":\"x\",{}",
        compact(&b).get(1..).unwrap_or("")
    );
    o.add(shape(
        "CV-BUNDLE-0078",
        "bundle with a duplicate member (Q22)",
        dup.into_bytes(),
        &["BUNDLE_MALFORMED"],
    ));
    o.add(shape(
        "CV-BUNDLE-0079",
        "bundle with an unexpected member",
        compact(&with_member(&b, "extra", int(1))).into_bytes(),
        &["BUNDLE_MALFORMED"],
    ));
    o.add(shape(
        "CV-BUNDLE-0080",
        "bundle.session_id names no session of the chain (Q10)",
        compact(&with_member(&b, "session_id", s("other"))).into_bytes(),
        &["BUNDLE_MALFORMED"],
    ));
    o.add(
        shape(
            "CV-BUNDLE-0081",
            "bundle without session_id: the export shape always names its session (Q10)",
            compact(&without(&b, "session_id")).into_bytes(),
            &["BUNDLE_MALFORMED"],
        )
        .div(
            "Q10",
            "partially_verified (bundle verified): bundle.session_id is never read",
            "the export shape always names its session; a bundle without one is not an export",
        ),
    );
    // Wrong types in the claim the bundle is checked against.
    let wt = |id: &str, desc: &str, path: &[&str], v: Value| {
        Vb::new(
            id,
            desc,
            "§5.1 step 2; README Decisions 4",
            &["bundle", "shape", "bug-class", "claim-types"],
        )
        .bundle_cmd()
        .claim(&sw_edit(path, Some(v)))
        .bundle(&b)
        .st(UN, Some("CLAIM_MALFORMED"))
        .l("audit_bundle.claim", "failed")
        .bc(&["CLAIM_NOT_AUTHENTIC"])
    };
    o.add(wt(
        "CV-BUNDLE-0090",
        "claim gateway.audit_chain is a list",
        &["gateway", "audit_chain"],
        Value::Array(vec![]),
    ));
    o.add(wt(
        "CV-BUNDLE-0091",
        "claim trace.cnf is null",
        &["trace", "cnf"],
        Value::Null,
    ));
    o.add(wt(
        "CV-BUNDLE-0092",
        "claim call_count true (Q10 language equality)",
        &["trace", "tool_transcript", "call_count"],
        Value::Bool(true),
    ));
    o.add(wt(
        "CV-BUNDLE-0093",
        "claim audit_chain.length 6.0 (Q10)",
        &["gateway", "audit_chain", "length"],
        Value::Float(6.0),
    ));
    o.add(wt(
        "CV-BUNDLE-0094",
        "claim gateway.call_summary is a string",
        &["gateway", "call_summary"],
        s("x"),
    ));
    o.add(
        Vb::new(
            "CV-BUNDLE-0095",
            "claim command: malformed claim with a bundle",
            "§5.1 step 2",
            &["bundle", "claim-types"],
        )
        .claim(&sw_edit(
            &["gateway", "audit_chain", "length"],
            Some(s("6")),
        ))
        .bundle(&b)
        .st(UN, Some("CLAIM_MALFORMED"))
        .bc(&["CLAIM_NOT_AUTHENTIC"]),
    );
    // Chain content checks.
    let mut upper = es.clone();
    edit_entry(
        &mut upper,
        0,
        &["entry_hash"],
        Some(s(&get_str(
            es.first().unwrap_or(&Value::Null),
            &["entry_hash"],
        )
        .to_uppercase())),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0100",
            "entry_hash in upper-case hex",
            "§5.2",
            &["bundle"],
        )
        .bundle_cmd()
        .bundle(&bundle_with(upper))
        .st(UN, Some("CHAIN_BROKEN")),
    );
    let mut no_start = es.clone();
    edit_entry(&mut no_start, 0, &["entry_type"], Some(s("policy_load")));
    relink(&mut no_start);
    o.add(
        Vb::new(
            "CV-BUNDLE-0101",
            "chain that does not start with session_start",
            "§5.2; §8 Q10",
            &["bundle", "Q10"],
        )
        .bundle_cmd()
        .bundle(&bundle_with(no_start))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["CHAIN_START_INVALID"]),
    );
    let mut sid_change = es.clone();
    edit_entry(
        &mut sid_change,
        3,
        &["session_id"],
        Some(s("another-session")),
    );
    relink(&mut sid_change);
    o.add(
        Vb::new(
            "CV-BUNDLE-0102",
            "session_id changes without a session_reset",
            "§5.3",
            &["bundle", "epochs"],
        )
        .bundle_cmd()
        .bundle(&bundle_with(sid_change))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["SESSION_EPOCH_INVALID"]),
    );
    let mut reset = es.clone();
    edit_entry(&mut reset, 3, &["entry_type"], Some(s("session_reset")));
    edit_entry(
        &mut reset,
        3,
        &["detail"],
        Some(obj(vec![
            ("closed_session_id", s(SID)),
            ("successor_session_id", s("succ-1")),
            ("reset_count", int(1)),
        ])),
    );
    for i in 4..reset.len() {
        edit_entry(&mut reset, i, &["session_id"], Some(s("succ-1")));
    }
    relink(&mut reset);
    let mut reset_b = bundle_with(reset.clone());
    set(&mut reset_b, &["session_id"], Some(s("succ-1")));
    o.add(
        Vb::new(
            "CV-BUNDLE-0103",
            "valid session_reset rotates the session id",
            "§5.3",
            &["bundle", "epochs"],
        )
        .bundle_cmd()
        .bundle(&reset_b)
        .st(PS, None)
        .l("audit_bundle.entries", VE)
        .bc(&[]),
    );
    let mut bad_reset = reset.clone();
    edit_entry(
        &mut bad_reset,
        3,
        &["detail"],
        Some(obj(vec![
            ("closed_session_id", s("not-current")),
            ("successor_session_id", s("succ-1")),
        ])),
    );
    relink(&mut bad_reset);
    o.add(
        Vb::new(
            "CV-BUNDLE-0104",
            "session_reset that does not name the current session",
            "§5.3",
            &["bundle", "epochs"],
        )
        .bundle_cmd()
        .bundle(&bundle_with(bad_reset))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["SESSION_EPOCH_INVALID"]),
    );
    let mut empty_sid = es.clone();
    edit_entry(&mut empty_sid, 0, &["session_id"], Some(s("")));
    relink(&mut empty_sid);
    o.add(
        Vb::new(
            "CV-BUNDLE-0105",
            "entry 0 session_id empty",
            "§5.3",
            &["bundle", "epochs"],
        )
        .bundle_cmd()
        .bundle(&bundle_with(empty_sid))
        .st(UN, Some("CHAIN_BROKEN")),
    );
    let mut tn = es.clone();
    edit_entry(&mut tn, 1, &["tool_name"], Some(int(42)));
    relink(&mut tn);
    o.add(
        Vb::new(
            "CV-BUNDLE-0106",
            "tool_call entry whose tool_name is not a string",
            "§5.5 step 1",
            &["bundle", "claim-types"],
        )
        .bundle_cmd()
        .claim(&c)
        .bundle(&bundle_with(tn))
        .st(UN, Some("CHAIN_BROKEN")),
    );
    let mut seq = es.clone();
    edit_entry(&mut seq, 2, &["sequence_number"], Some(int(7)));
    relink(&mut seq);
    o.add(
        Vb::new(
            "CV-BUNDLE-0107",
            "sequence_number out of order (Q10)",
            "§8 Q10",
            &["bundle", "quirk", "Q10"],
        )
        .bundle_cmd()
        .bundle(&bundle_with(seq))
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["SEQUENCE_MISMATCH"])
        .div("Q10", "verified", "sequence numbers checked"),
    );
    let mut prev_abs = es.clone();
    edit_entry(&mut prev_abs, 0, &["prev_entry_hash"], None);
    if let Some(Value::Object(e)) = prev_abs.get_mut(0) {
        let h = cmcp_verify::chain::entry_hash_hex(e);
        e.insert("entry_hash", s(&h));
    }
    o.add(
        Vb::new(
            "CV-BUNDLE-0108",
            "first entry without prev_entry_hash",
            "§5.2",
            &["bundle"],
        )
        .bundle_cmd()
        .bundle(&bundle_with(prev_abs))
        .st(UN, Some("CHAIN_BROKEN")),
    );
    // Claim cross-checks with a different session.
    let (c2, b2) = claim_for(
        Session::new(SEED, "other-session").call(Call::new("github.search_issues", "allow")),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0110",
            "claim and bundle from different sessions (same key)",
            "§5.5",
            &["bundle", "claim-binding"],
        )
        .claim(&c2)
        .bundle(&b)
        .st(UN, Some("CHAIN_BROKEN"))
        .l("audit_bundle.claim_binding", "failed")
        .l("audit_bundle.signature", VE),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0111",
            "the other session's pair is itself consistent",
            "§5.5",
            &["bundle", "claim-binding"],
        )
        .claim(&c2)
        .bundle(&b2)
        .st(PS, None)
        .bc(&[]),
    );
    let mut tt = c.clone();
    set(&mut tt, &["trace", "tool_transcript"], None);
    resign(&mut tt);
    o.add(
        Vb::new(
            "CV-BUNDLE-0112",
            "claim without tool_transcript checked against a bundle with tool calls",
            "§5.5 step 2",
            &["bundle", "claim-binding"],
        )
        .claim(&tt)
        .bundle(&b)
        .st(UN, Some("CHAIN_BROKEN"))
        .l("audit_bundle.claim_binding", "failed"),
    );
    let mut sid2 = c.clone();
    set(
        &mut sid2,
        &["gateway", "session_id"],
        Some(s("not-the-session")),
    );
    resign(&mut sid2);
    o.add(
        Vb::new(
            "CV-BUNDLE-0113",
            "claim gateway.session_id is not the bundle's final session",
            "§5.5 step 5",
            &["bundle", "claim-binding"],
        )
        .claim(&sid2)
        .bundle(&b)
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["CLAIM_MISMATCH"]),
    );
    let session_max = Session::new(SEED, SID)
        .call(Call::new("a", "step_up"))
        .call(Call::new("b", "defer"));
    let (c3, b3) = session_max.build();
    o.add(
        Vb::new(
            "CV-BUNDLE-0114",
            "step_up and defer count as neither allowed nor denied (Q27)",
            "§6.3; §8 Q27",
            &["bundle", "Q27"],
        )
        .claim(&c3)
        .bundle(&b3)
        .st(PS, None)
        .bc(&[]),
    );
    let (c4, b4) = Session::new(SEED, SID).build();
    o.add(
        Vb::new(
            "CV-BUNDLE-0115",
            "session with no tool calls (session_start only)",
            "§5.5",
            &["bundle"],
        )
        .claim(&c4)
        .bundle(&b4)
        .st(PS, None)
        .bc(&[]),
    );
    // The entry size cap (1 MiB of JSON text per entry, as written): a genuine
    // session whose one call carries a detail sized so that its entry is
    // exactly the cap, then one byte more. Written compact, so the entry's
    // text is its canonical form.
    let cap = cmcp_verify::chain::MAX_ENTRY_BYTES;
    let sized = |len: usize| {
        let build = |fill: usize| {
            let mut call = Call::new("github.search_issues", "allow");
            call.detail = Some(obj(vec![("blob", s(&"x".repeat(fill)))]));
            let (c, b) = Session::new(SEED, SID).call(call).build();
            let entry_len = entries(&b).get(1).map_or(0, |e| compact(e).len());
            (c, b, entry_len)
        };
        let (_, _, base) = build(0);
        build(len.saturating_sub(base))
    };
    let (c5, b5, n5) = sized(cap);
    let (c6, b6, n6) = sized(cap + 1);
    if (n5, n6) != (cap, cap + 1) {
        o.errors.push(format!(
            "CV-BUNDLE-0116/0117: entries of {n5} and {n6} bytes"
        ));
    }
    o.add(
        Vb::new(
            "CV-BUNDLE-0116",
            "an audit entry of exactly 1 MiB (the entry cap): the bundle verifies",
            "SECURITY.md input caps; §5",
            &["bundle", "cap"],
        )
        .claim(&c5)
        .bundle_bytes(compact(&b5))
        .st(PS, None)
        .l("audit_bundle.entries", VE)
        .l("audit_bundle.claim_binding", VE)
        .l("audit_bundle.signature", VE)
        .bc(&[]),
    );
    o.add(
        Vb::new(
            "CV-BUNDLE-0117",
            "an audit entry one byte over the 1 MiB cap: the bundle is malformed",
            "SECURITY.md input caps; §5",
            &["bundle", "cap"],
        )
        .claim(&c6)
        .bundle_bytes(compact(&b6))
        .st(UN, Some("CHAIN_BROKEN"))
        .l("audit_bundle.entries", "failed")
        .bc(&["BUNDLE_MALFORMED"]),
    );
}

fn with_member(v: &Value, k: &str, x: Value) -> Value {
    let mut v = v.clone();
    set(&mut v, &[k], Some(x));
    v
}

fn without(v: &Value, k: &str) -> Value {
    let mut v = v.clone();
    set(&mut v, &[k], None);
    v
}

fn issuer_kid() -> String {
    hex_encode(&Sha256::digest(
        SigningKey::from_bytes(&ISSUER).verifying_key().to_bytes(),
    ))
}

fn receipt(linked: &str, eh: &str, et: &str) -> Value {
    let mut r = obj(vec![
        ("issuer", s("spiffe://acme.example/controller")),
        ("issuer_key_id", s(&issuer_kid())),
        ("evidence_hash", s(eh)),
        ("evidence_type", s(et)),
        ("linked_call_id", s(linked)),
    ]);
    sign_receipt(&mut r, &ISSUER);
    r
}

fn sign_receipt(r: &mut Value, seed: &[u8; 32]) {
    if let Value::Object(o) = r {
        let mut msg = Vec::new();
        cmcp_verify::json::canonical::pyjson_object_except(o, Some("signature"), &mut msg);
        let sig = SigningKey::from_bytes(seed).sign(&msg).to_bytes();
        o.insert("signature", s(&b64u_encode(&sig)));
    }
}

fn good_eh() -> String {
    format!("sha256:{}", "e1".repeat(32))
}

/// A session whose second call (call-1) carries `ev`.
fn receipt_session(ev: Value) -> (Value, Value) {
    let mut call = Call::new("robot.move", "allow");
    call.evidence = Some(ev);
    Session::new(SEED, SID)
        .call(Call::new("github.search_issues", "allow"))
        .call(call)
        .build()
}

fn receipt_vectors(o: &mut Out) {
    let kid = issuer_kid();
    let pk = hex_encode(&SigningKey::from_bytes(&ISSUER).verifying_key().to_bytes());
    let keys = obj(vec![(kid.as_str(), s(&pk))]);
    let sec = "claim-chain-receipts.md §5.4, §7.1; §8 Q11";
    let rv = |id: &str, desc: &str, ev: Value, tags: &[&str]| {
        let (c, b) = receipt_session(ev);
        Vb::new(id, desc, sec, tags)
            .claim(&c)
            .bundle(&b)
            .opt("evidence_keys", keys.clone())
    };
    o.add(
        rv(
            "CV-RECEIPT-0001",
            "good receipt verified under --evidence-key",
            receipt("call-1", &good_eh(), "controller-execution-receipt/v1"),
            &["receipt"],
        )
        .st(PS, None)
        .l("audit_bundle.external_evidence", VE)
        .bc(&[]),
    );
    let (c, b) = receipt_session(receipt(
        "call-1",
        &good_eh(),
        "controller-execution-receipt/v1",
    ));
    o.add(
        Vb::new(
            "CV-RECEIPT-0002",
            "good receipt without --evidence-key: not established",
            sec,
            &["receipt", "Q11"],
        )
        .claim(&c)
        .bundle(&b)
        .st(PS, None)
        .l("audit_bundle.external_evidence", "not_established")
        .bc(&[]),
    );
    o.add(rv("CV-RECEIPT-0003", "misbound receipt (linked_call_id ≠ call_id) with a valid signature: reported as the binding failure only", receipt("call-0", &good_eh(), "controller-execution-receipt/v1"), &["receipt", "bug-class", "misbound"])
        .st(UN, Some("CHAIN_BROKEN")).l("audit_bundle.external_evidence", "failed").bc(&["EXTERNAL_EVIDENCE_VERIFICATION_FAILED"]));
    let mut badsig = receipt("call-1", &good_eh(), "tee-signed-receipt");
    set(&mut badsig, &["evidence_type"], Some(s("opaque-receipt")));
    o.add(
        rv(
            "CV-RECEIPT-0004",
            "receipt edited after signing (evidence_type)",
            badsig,
            &["receipt"],
        )
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["EXTERNAL_EVIDENCE_VERIFICATION_FAILED"]),
    );
    let mut other_signed = receipt("call-1", &good_eh(), "controller-jwt");
    sign_receipt(&mut other_signed, &OTHER);
    o.add(
        rv(
            "CV-RECEIPT-0005",
            "receipt signed by a key other than the pinned issuer key",
            other_signed,
            &["receipt"],
        )
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["EXTERNAL_EVIDENCE_VERIFICATION_FAILED"]),
    );
    let mut unknown = receipt("call-1", &good_eh(), "controller-jwt");
    set(&mut unknown, &["issuer_key_id"], Some(s(&"0a".repeat(32))));
    sign_receipt(&mut unknown, &ISSUER);
    o.add(
        rv(
            "CV-RECEIPT-0006",
            "receipt naming an issuer key id that is not pinned",
            unknown,
            &["receipt"],
        )
        .st(UN, Some("CHAIN_BROKEN"))
        .bc(&["EXTERNAL_EVIDENCE_VERIFICATION_FAILED"]),
    );
    o.add(
        rv(
            "CV-RECEIPT-0007",
            "evidence_hash with too few hex digits (Q11)",
            receipt("call-1", "sha256:abcd", "controller-jwt"),
            &["receipt", "quirk", "Q11"],
        )
        .st(UN, Some("CHAIN_BROKEN"))
        .div(
            "Q11",
            "verified: hex length unchecked",
            "64/96 hex digits required",
        ),
    );
    let mut extra = receipt("call-1", &good_eh(), "controller-jwt");
    set(&mut extra, &["note"], Some(s("x")));
    sign_receipt(&mut extra, &ISSUER);
    o.add(
        rv(
            "CV-RECEIPT-0008",
            "receipt with a seventh member, signed (Q11)",
            extra,
            &["receipt", "quirk", "Q11"],
        )
        .st(UN, Some("CHAIN_BROKEN"))
        .div(
            "Q11",
            "verified: extra members allowed",
            "exactly the six members",
        ),
    );
    o.add(
        rv(
            "CV-RECEIPT-0009",
            "unsupported evidence_type",
            receipt("call-1", &good_eh(), "selfie"),
            &["receipt"],
        )
        .st(UN, Some("CHAIN_BROKEN")),
    );
    let mut upper = receipt("call-1", &good_eh(), "controller-jwt");
    set(&mut upper, &["issuer_key_id"], Some(s(&kid.to_uppercase())));
    sign_receipt(&mut upper, &ISSUER);
    o.add(
        rv(
            "CV-RECEIPT-0010",
            "issuer_key_id in upper-case hex",
            upper,
            &["receipt"],
        )
        .st(UN, Some("CHAIN_BROKEN")),
    );
    o.add(
        rv(
            "CV-RECEIPT-0011",
            "receipt that is a string",
            s("receipt"),
            &["receipt"],
        )
        .st(UN, Some("CHAIN_BROKEN")),
    );
    o.add(
        rv(
            "CV-RECEIPT-0012",
            "falsy receipt {} is refused, not skipped (Q11)",
            obj(vec![]),
            &["receipt", "quirk", "Q11"],
        )
        .st(UN, Some("CHAIN_BROKEN"))
        .div(
            "Q11",
            "verified: falsy receipts skipped silently",
            "every present receipt is checked",
        ),
    );
    let mut padsig = receipt("call-1", &good_eh(), "controller-jwt");
    let ps = get_str(&padsig, &["signature"]);
    set(&mut padsig, &["signature"], Some(s(&pad(&ps))));
    o.add(
        rv(
            "CV-RECEIPT-0013",
            "genuine receipt signature with padding (Q14)",
            padsig,
            &["receipt", "Q14"],
        )
        .st(UN, Some("CHAIN_BROKEN")),
    );
    // Receipt on an entry without call_id: session_start cannot carry one via the producer, so use null linked id.
    let mut nul = receipt("call-1", &good_eh(), "controller-jwt");
    set(&mut nul, &["linked_call_id"], Some(Value::Null));
    sign_receipt(&mut nul, &ISSUER);
    o.add(
        rv(
            "CV-RECEIPT-0014",
            "linked_call_id null (Q11: null must not match)",
            nul,
            &["receipt", "quirk", "Q11"],
        )
        .st(UN, Some("CHAIN_BROKEN")),
    );
    let wrong_file = obj(vec![(
        kid.as_str(),
        s(&hex_encode(
            &SigningKey::from_bytes(&OTHER).verifying_key().to_bytes(),
        )),
    )]);
    o.add(
        rv(
            "CV-RECEIPT-0015",
            "pinned key filed under a key id it does not hash to",
            receipt("call-1", &good_eh(), "controller-jwt"),
            &["receipt"],
        )
        .opt("evidence_keys", wrong_file)
        .st(UN, Some("CHAIN_BROKEN")),
    );
    let (c, b) = receipt_session(receipt("call-1", &good_eh(), "controller-jwt"));
    o.add(
        Vb::new(
            "CV-RECEIPT-0016",
            "bundle command with a good receipt and --evidence-key",
            sec,
            &["receipt"],
        )
        .bundle_cmd()
        .claim(&c)
        .bundle(&b)
        .opt("evidence_keys", keys.clone())
        .st(PS, None)
        .l("audit_bundle.external_evidence", VE)
        .l("audit_bundle.claim", "not_established"),
    );
    o.add(
        rv(
            "CV-RECEIPT-0017",
            "sha384 evidence_hash",
            receipt(
                "call-1",
                &format!("sha384:{}", "e1".repeat(48)),
                "opaque-receipt",
            ),
            &["receipt"],
        )
        .st(PS, None)
        .l("audit_bundle.external_evidence", VE),
    );
}
