//! Byte encodings: strict base64 and hex, and constant-time comparison.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// Why an encoded value was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    /// Not canonical unpadded base64url.
    #[error("not canonical unpadded base64url")]
    Base64Url,
    /// Not canonical padded standard base64.
    #[error("not canonical standard base64")]
    Base64,
    /// Not hex of the expected form.
    #[error("not valid hex")]
    Hex,
    /// Decoded to the wrong length.
    #[error("decoded to {actual} bytes, expected {expected}")]
    Length {
        /// Wanted.
        expected: usize,
        /// Got.
        actual: usize,
    },
}

/// Decodes canonical unpadded base64url (RFC 4648 §5): no padding, no other
/// alphabet, no whitespace, unused trailing bits zero.
///
/// ```
/// use cmcp_json::encoding::b64u_decode;
/// assert_eq!(b64u_decode("QUJD").unwrap(), b"ABC");
/// assert!(b64u_decode("QUJDRB").is_err());   // non-zero trailing bits
/// assert!(b64u_decode("QUI=").is_err());     // padding
/// assert!(b64u_decode("QU+D").is_err());     // standard alphabet
/// ```
pub fn b64u_decode(s: &str) -> Result<Vec<u8>, EncodingError> {
    URL_SAFE_NO_PAD
        .decode(s.as_bytes())
        .map_err(|_| EncodingError::Base64Url)
}

/// Decodes canonical unpadded base64url of an exact length.
pub fn b64u_decode_exact<const N: usize>(s: &str) -> Result<[u8; N], EncodingError> {
    let v = b64u_decode(s)?;
    let actual = v.len();
    v.try_into().map_err(|_| EncodingError::Length {
        expected: N,
        actual,
    })
}

/// Encodes unpadded base64url.
pub fn b64u_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes canonical padded standard base64.
pub fn b64_decode(s: &str) -> Result<Vec<u8>, EncodingError> {
    STANDARD
        .decode(s.as_bytes())
        .map_err(|_| EncodingError::Base64)
}

/// Encodes padded standard base64.
pub fn b64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Lowercase hex.
///
/// ```
/// assert_eq!(cmcp_json::encoding::hex_encode(&[0xab, 0x01]), "ab01");
/// ```
pub fn hex_encode(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    // Only a capacity hint: the length of a slice is below `isize::MAX`.
    let mut s = String::with_capacity(bytes.len().saturating_mul(2));
    for b in bytes {
        s.push(char::from(
            H.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
        ));
        s.push(char::from(
            H.get(usize::from(b & 15)).copied().unwrap_or(b'0'),
        ));
    }
    s
}

fn nibble(c: u8, allow_upper: bool) -> Option<u8> {
    match c {
        b'0'..=b'9' => c.checked_sub(b'0'),
        b'a'..=b'f' => c.checked_sub(b'a' - 10),
        b'A'..=b'F' if allow_upper => c.checked_sub(b'A' - 10),
        _ => None,
    }
}

fn hex_decode_inner(s: &str, allow_upper: bool) -> Result<Vec<u8>, EncodingError> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return Err(EncodingError::Hex);
    }
    b.chunks_exact(2)
        .map(|pair| match pair {
            [h, l] => Some((nibble(*h, allow_upper)? << 4) | nibble(*l, allow_upper)?),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or(EncodingError::Hex)
}

/// Decodes lowercase hex only (the form the gateway writes).
pub fn hex_decode_lower(s: &str) -> Result<Vec<u8>, EncodingError> {
    hex_decode_inner(s, false)
}

/// Decodes hex in either case (relying-party input).
///
/// ```
/// assert_eq!(cmcp_json::encoding::hex_decode("aB01").unwrap(), vec![0xab, 0x01]);
/// ```
pub fn hex_decode(s: &str) -> Result<Vec<u8>, EncodingError> {
    hex_decode_inner(s, true)
}

/// Constant-time equality of two byte strings (length is not secret).
///
/// ```
/// assert!(cmcp_json::encoding::ct_eq(b"abc", b"abc"));
/// assert!(!cmcp_json::encoding::ct_eq(b"abc", b"abd"));
/// ```
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    if a.len() != b.len() {
        return false;
    }
    // Branch-free accumulation of the differences, eight bytes at a time,
    // then one constant-time comparison of the accumulator.
    let mut acc = 0u64;
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        let mut wx = [0u8; 8];
        let mut wy = [0u8; 8];
        wx.copy_from_slice(x);
        wy.copy_from_slice(y);
        acc |= u64::from_le_bytes(wx) ^ u64::from_le_bytes(wy);
    }
    for (x, y) in ra.iter().zip(rb) {
        acc |= u64::from(x ^ y);
    }
    bool::from(std::hint::black_box(acc).ct_eq(&0))
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
mod ct_eq_tests {
    use super::ct_eq;

    #[test]
    fn finds_a_difference_at_every_position() {
        for len in 0..40usize {
            let a: Vec<u8> = (0..len).map(|i| i as u8).collect();
            assert!(ct_eq(&a, &a.clone()));
            for at in 0..len {
                for bit in [1u8, 0x80] {
                    let mut b = a.clone();
                    b[at] ^= bit;
                    assert!(!ct_eq(&a, &b), "len {len} at {at}");
                }
            }
            assert!(!ct_eq(&a, &a[..len.saturating_sub(1)]) || len == 0);
        }
    }
}
