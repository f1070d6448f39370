//! Small helpers shared by the receipt modules.

use cmcp_claim::binding::StrictKey;
use cmcp_json::Value;
use cmcp_json::encoding::{b64u_decode_exact, hex_encode};
use sha2::{Digest as _, Sha256, Sha384};

/// True when something `age` seconds old is dated further after the
/// verification time than `skew` seconds allow (`age < -skew`, for any
/// `skew`: a negative one asks for that many seconds in the past).
pub(crate) fn beyond_future_skew(age: i64, skew: i64) -> bool {
    // Only `i64::MIN` has no negation, and every `age` is below `2^63`.
    skew.checked_neg().is_none_or(|limit| age < limit)
}

/// True when `s` is exactly `n` lowercase hex digits.
pub(crate) fn is_lower_hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// True for `sha256:<64 hex>` or `sha384:<96 hex>` (lowercase).
pub(crate) fn is_full_digest(s: &str) -> bool {
    s.strip_prefix("sha256:")
        .is_some_and(|h| is_lower_hex(h, 64))
        || s.strip_prefix("sha384:")
            .is_some_and(|h| is_lower_hex(h, 96))
}

/// `"sha256:" + hex(SHA-256(bytes))`.
pub(crate) fn sha256_prefixed(bytes: &[u8]) -> String {
    format!("sha256:{}", hex_encode(&Sha256::digest(bytes)))
}

/// `alg + ":" + hex(alg(bytes))` for the digest algorithm named by a
/// `sha256:`/`sha384:` prefixed value; `None` for any other prefix.
pub(crate) fn digest_like(template: &str, bytes: &[u8]) -> Option<String> {
    if template.starts_with("sha256:") {
        Some(format!("sha256:{}", hex_encode(&Sha256::digest(bytes))))
    } else if template.starts_with("sha384:") {
        Some(format!("sha384:{}", hex_encode(&Sha384::digest(bytes))))
    } else {
        None
    }
}

/// Hex SHA-256 of bytes.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex_encode(&Sha256::digest(bytes))
}

/// Why a JWK was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JwkError {
    /// Not `{"kty":"OKP","crv":"Ed25519","x":…}`.
    Shape,
    /// `x` is not canonical base64url of 32 bytes.
    Encoding,
    /// Small-order or non-canonical point.
    Key,
}

/// Loads an Ed25519 key from a JWK object, strictly.
pub(crate) fn jwk_key(jwk: &Value) -> Result<StrictKey, JwkError> {
    let o = jwk.as_object().ok_or(JwkError::Shape)?;
    if o.get("kty").and_then(Value::as_str) != Some("OKP")
        || o.get("crv").and_then(Value::as_str) != Some("Ed25519")
    {
        return Err(JwkError::Shape);
    }
    let x = o.get("x").and_then(Value::as_str).ok_or(JwkError::Shape)?;
    let raw = b64u_decode_exact::<32>(x).map_err(|_| JwkError::Encoding)?;
    StrictKey::from_bytes(&raw).map_err(|_| JwkError::Key)
}

/// A string member of an object value.
pub(crate) fn str_at<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

/// A member that is present and not `null`.
pub(crate) fn present<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).filter(|x| !x.is_null())
}

#[cfg(test)]
mod tests {
    use super::beyond_future_skew;

    #[test]
    fn future_skew_for_every_skew() {
        assert!(beyond_future_skew(-6, 5));
        assert!(!beyond_future_skew(-5, 5));
        assert!(!beyond_future_skew(0, 0));
        assert!(beyond_future_skew(-1, 0));
        // A negative skew asks for an age of at least its magnitude.
        assert!(beyond_future_skew(2, -3));
        assert!(!beyond_future_skew(3, -3));
        // The ends of the range, where negating would overflow.
        assert!(beyond_future_skew(i64::MAX, i64::MIN));
        assert!(beyond_future_skew(i64::MIN, i64::MAX));
        assert!(!beyond_future_skew(i64::MIN.saturating_add(1), i64::MAX));
    }
}
