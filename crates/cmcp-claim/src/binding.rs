//! Key binding: RFC 7638 thumbprints, the 64-byte nonce layout, strict Ed25519.

use cmcp_json::canonical::pyjson_string;
use cmcp_json::encoding::{EncodingError, b64u_decode, b64u_decode_exact, hex_decode_lower};
use sha2::{Digest as _, Sha256};

/// The RFC 7638 thumbprint of an Ed25519 OKP key given by its `x` text:
/// SHA-256 of `{"crv":"Ed25519","kty":"OKP","x":X}`.
///
/// ```
/// let t = cmcp_claim::binding::thumbprint("A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg");
/// assert_eq!(
///     cmcp_json::encoding::hex_encode(&t),
///     "d481b6b4c1fb276c1b2599ce7fc2c9cd08ad29fecb32fa00125b2e0cc54ce786"
/// );
/// ```
pub fn thumbprint(x: &str) -> [u8; 32] {
    // A capacity hint only.
    let mut pre = Vec::with_capacity(x.len().saturating_add(64));
    pre.extend_from_slice(br#"{"crv":"Ed25519","kty":"OKP","x":"#);
    pyjson_string(x, &mut pre);
    pre.push(b'}');
    Sha256::digest(&pre).into()
}

/// The chain-root commitment the gateway puts in `nonce[32:64]`:
/// SHA-256 of the raw 32 bytes of the audit-chain root (hex).
///
/// ```
/// let c = cmcp_claim::binding::chain_root_commitment(
///     "45df70e1f06cd4235df8377723b51d6b437f4384ea7e291bb77b1b23f288b197").unwrap();
/// assert_eq!(
///     cmcp_json::encoding::hex_encode(&c),
///     "c2872a4a4fabaa7757d0c7866dae746d7043e9bce5eac40c0d84b2f1be6498fb"
/// );
/// ```
pub fn chain_root_commitment(root_hex: &str) -> Result<[u8; 32], EncodingError> {
    let bytes = hex_decode_lower(root_hex)?;
    if bytes.len() != 32 {
        return Err(EncodingError::Length {
            expected: 32,
            actual: bytes.len(),
        });
    }
    Ok(Sha256::digest(&bytes).into())
}

/// Decodes `trace.runtime.nonce`: exactly 86 characters of canonical
/// unpadded base64url encoding 64 bytes.
pub fn decode_nonce(nonce: &str) -> Result<[u8; 64], EncodingError> {
    b64u_decode_exact::<64>(nonce)
}

/// Decodes an Ed25519 public key from canonical base64url `x`.
pub fn decode_x(x: &str) -> Result<[u8; 32], EncodingError> {
    b64u_decode_exact::<32>(x)
}

/// Why a strict Ed25519 check failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Ed25519Error {
    /// The key bytes are not a canonical encoding of a curve point.
    #[error("public key is not a canonical Ed25519 point encoding")]
    BadKey,
    /// The key has small order (a "weak" key that verifies trivial signatures).
    #[error("public key has small order")]
    WeakKey,
    /// The signature is not 64 bytes of canonical base64url.
    #[error("signature is not 64 bytes of canonical unpadded base64url")]
    BadSignatureEncoding,
    /// The signature does not verify.
    #[error("Ed25519 signature does not verify")]
    Invalid,
}

/// A strictly validated Ed25519 public key: canonical encoding, not small order.
#[derive(Clone, Debug)]
pub struct StrictKey(ed25519_dalek::VerifyingKey);

impl StrictKey {
    /// Accepts a key only if its encoding is canonical and it is not of small order.
    ///
    /// ```
    /// use cmcp_claim::binding::StrictKey;
    /// let mut identity = [0u8; 32];
    /// identity[0] = 1;
    /// assert!(StrictKey::from_bytes(&identity).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<StrictKey, Ed25519Error> {
        let vk =
            ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| Ed25519Error::BadKey)?;
        if vk.to_edwards().compress().to_bytes() != *bytes {
            return Err(Ed25519Error::BadKey);
        }
        if vk.is_weak() {
            return Err(Ed25519Error::WeakKey);
        }
        Ok(StrictKey(vk))
    }

    /// Strict verification (canonical `S`, canonical non-small-order `R`).
    pub fn verify(&self, msg: &[u8], sig: &[u8; 64]) -> Result<(), Ed25519Error> {
        let sig = ed25519_dalek::Signature::from_bytes(sig);
        self.0
            .verify_strict(msg, &sig)
            .map_err(|_| Ed25519Error::Invalid)
    }

    /// Verifies a signature given as canonical unpadded base64url text.
    pub fn verify_b64u(&self, msg: &[u8], sig_b64u: &str) -> Result<(), Ed25519Error> {
        let sig = b64u_decode(sig_b64u).map_err(|_| Ed25519Error::BadSignatureEncoding)?;
        let sig: [u8; 64] = sig
            .try_into()
            .map_err(|_| Ed25519Error::BadSignatureEncoding)?;
        self.verify(msg, &sig)
    }

    /// The raw key.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }
}
