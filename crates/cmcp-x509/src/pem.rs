//! PEM bundles.

use crate::cert::Certificate;
use crate::error::X509Error;
use crate::{MAX_BUNDLE_BYTES, MAX_BUNDLE_CERTS};

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Extracts and base64-decodes every `-----BEGIN {label}-----` …
/// `-----END {label}-----` block of `bytes`, in order. Text before, between
/// and after blocks is ignored; whitespace (including CRLF) inside a block
/// is skipped; anything else inside a block must be canonical base64.
/// Stops with an error after `max_blocks` blocks.
///
/// ```
/// let pem = b"junk\r\n-----BEGIN X-----\r\nAAEC\r\n-----END X-----\r\n";
/// assert_eq!(cmcp_x509::pem_blocks(pem, "X", 4).unwrap(), vec![vec![0u8, 1, 2]]);
/// ```
pub fn pem_blocks(bytes: &[u8], label: &str, max_blocks: usize) -> Result<Vec<Vec<u8>>, X509Error> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = bytes;
    while let Some(pos) = find(rest, begin.as_bytes()) {
        if out.len() >= max_blocks {
            return Err(X509Error::TooManyCertificates { max: max_blocks });
        }
        let after = rest
            .get(pos..)
            .and_then(|r| r.strip_prefix(begin.as_bytes()))
            .ok_or_else(|| X509Error::Pem("truncated block".to_owned()))?;
        let end_pos = find(after, end.as_bytes())
            .ok_or_else(|| X509Error::Pem(format!("no -----END {label}----- line")))?;
        let body = after
            .get(..end_pos)
            .ok_or_else(|| X509Error::Pem("truncated block".to_owned()))?;
        let compact: Vec<u8> = body
            .iter()
            .copied()
            .filter(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
            .collect();
        let text = std::str::from_utf8(&compact)
            .map_err(|_| X509Error::Pem("non-ASCII text inside a block".to_owned()))?;
        let der = cmcp_json::encoding::b64_decode(text)
            .map_err(|_| X509Error::Pem(format!("block {} is not valid base64", out.len())))?;
        out.push(der);
        rest = after
            .get(end_pos..)
            .and_then(|r| r.strip_prefix(end.as_bytes()))
            .unwrap_or(&[]);
    }
    Ok(out)
}

/// Parses one or more PEM `CERTIFICATE` blocks, in order (at most
/// [`MAX_BUNDLE_CERTS`] certificates and [`MAX_BUNDLE_BYTES`] of input).
///
/// ```
/// assert!(cmcp_x509::parse_pem_bundle(b"no certificates here").is_err());
/// ```
pub fn parse_pem_bundle(bytes: &[u8]) -> Result<Vec<Certificate>, X509Error> {
    if bytes.len() > MAX_BUNDLE_BYTES {
        return Err(X509Error::TooLarge {
            what: "PEM bundle",
            len: bytes.len(),
            max: MAX_BUNDLE_BYTES,
        });
    }
    let blocks = pem_blocks(bytes, "CERTIFICATE", MAX_BUNDLE_CERTS)?;
    if blocks.is_empty() {
        return Err(X509Error::NotFound("PEM certificate"));
    }
    blocks.iter().map(|d| Certificate::from_der(d)).collect()
}

/// Accepts either a PEM bundle or one DER certificate (input starting with
/// the SEQUENCE tag `0x30`).
///
/// ```
/// assert!(cmcp_x509::parse_certs(&[0x30, 0x00]).is_err());
/// ```
pub fn parse_certs(bytes: &[u8]) -> Result<Vec<Certificate>, X509Error> {
    if bytes.first() == Some(&0x30) {
        Ok(vec![Certificate::from_der(bytes)?])
    } else {
        parse_pem_bundle(bytes)
    }
}
