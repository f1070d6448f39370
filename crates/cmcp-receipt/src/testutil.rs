//! Test helpers: deterministic Ed25519 keys and signing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_json::encoding::b64u_encode;
use ed25519_dalek::{Signer, SigningKey};

/// The key with seed `[n; 32]`.
pub fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

/// The key with seed bytes 00..1f (the spec's worked key).
pub fn spec_key() -> SigningKey {
    let mut seed = [0u8; 32];
    for (i, b) in seed.iter_mut().enumerate() {
        *b = u8::try_from(i).unwrap();
    }
    SigningKey::from_bytes(&seed)
}

/// Raw public key.
pub fn public(k: &SigningKey) -> [u8; 32] {
    k.verifying_key().to_bytes()
}

/// Hex SHA-256 key id.
pub fn kid(k: &SigningKey) -> String {
    crate::util::sha256_hex(&public(k))
}

/// Base64url signature.
pub fn sign_b64u(k: &SigningKey, msg: &[u8]) -> String {
    b64u_encode(&k.sign(msg).to_bytes())
}

/// Parses JSON text.
pub fn j(s: &str) -> cmcp_json::Value {
    cmcp_json::parse(s.as_bytes()).unwrap()
}

/// The identity point: a small-order key.
pub const SMALL_ORDER: [u8; 32] = {
    let mut k = [0u8; 32];
    k[0] = 1;
    k
};

/// Adds L to the S half of a signature (non-canonical S).
pub fn make_s_noncanonical(sig: &[u8; 64]) -> [u8; 64] {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut out = *sig;
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
        out[32 + i] = (v & 0xff) as u8;
        carry = v >> 8;
    }
    out
}
