//! The NV-certify pre/post pair: the gateway measurement extended into an
//! NV index of type `TPM_NT_EXTEND`, certified before and after by the AK.
//!
//! Appraisal (failure names from the reference, checked in this order):
//! `missing_nv_policy` (the caller's), `invalid_nv_policy`,
//! `invalid_expected_nonce`, `unsupported_envelope_version` and
//! `malformed_envelope` ([`Envelope::parse`]), `malformed_nv_certify`,
//! `ak_chain_invalid`, `malformed_signature`, `signature_invalid`,
//! `pre_binding_mismatch`, `post_binding_mismatch`, `nv_index_name_mismatch`,
//! `nv_offset_mismatch`, `nv_extent_size_mismatch`, `gateway_digest_mismatch`,
//! `extend_relation_broken`.
//!
//! ```
//! use cmcp_tpm::nvcertify::{nv_index_name, nv_qualifying_data, Phase, DEFAULT_NV_INDEX};
//! let nonce: Vec<u8> = (0u8..64).collect();
//! assert_eq!(
//!     cmcp_json::encoding::hex_encode(&nv_qualifying_data(&nonce, Phase::Pre)),
//!     "f192d5a6b8a79aa0c4a6e373a01c9f0b1654619287f4848e7549c968e9b14e34"
//! );
//! assert_eq!(
//!     cmcp_json::encoding::hex_encode(&nv_index_name(DEFAULT_NV_INDEX, true).unwrap()),
//!     "000bd884eed008e17b8e06485bcf29a5f0e88ca44a4355d711fa2cafb368c3ff3763"
//! );
//! ```

use crate::authenticate::{verify_ak_chain, verify_signature};
use crate::parse::{Attest, HashAlg, Signature};
use cmcp_policy::Timestamp;
use cmcp_x509::Certificate;

/// The producer's NV index.
pub const DEFAULT_NV_INDEX: u32 = 0x0150_0432;
/// OWNERWRITE | NT=EXTEND | OWNERREAD | AUTHREAD | NO_DA.
pub const NV_ATTRIBUTES: u32 = 0x0206_0042;
/// `TPMA_NV_WRITTEN`.
pub const NV_WRITTEN: u32 = 0x2000_0000;

/// Which certify of the pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before the extend.
    Pre,
    /// After the extend.
    Post,
}

impl Phase {
    fn label(self) -> &'static [u8] {
        match self {
            Phase::Pre => b"pre",
            Phase::Post => b"post",
        }
    }
}

fn len_be(b: &[u8]) -> [u8; 4] {
    u32::try_from(b.len()).unwrap_or(u32::MAX).to_be_bytes()
}

/// `SHA-256("cmcp-nv-certify-v1" ‖ u32be(len nonce) ‖ nonce ‖ u32be(len phase) ‖ phase)`.
pub fn nv_qualifying_data(nonce: &[u8], phase: Phase) -> Vec<u8> {
    let p = phase.label();
    HashAlg::Sha256.digest(&[b"cmcp-nv-certify-v1", &len_be(nonce), nonce, &len_be(p), p])
}

/// `TPMS_NV_PUBLIC` of an index with the producer's attributes, SHA-256
/// name algorithm, empty auth policy and 32-byte data.
pub fn nv_public(index: u32, written: bool) -> Vec<u8> {
    let attrs = if written {
        NV_ATTRIBUTES | NV_WRITTEN
    } else {
        NV_ATTRIBUTES
    };
    let mut out = index.to_be_bytes().to_vec();
    out.extend_from_slice(&HashAlg::Sha256.id().to_be_bytes());
    out.extend_from_slice(&attrs.to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&32u16.to_be_bytes());
    out
}

/// The index Name `00 0B ‖ SHA-256(TPMS_NV_PUBLIC)`; `None` outside the NV range.
pub fn nv_index_name(index: u32, written: bool) -> Option<Vec<u8>> {
    if !(0x0100_0000..=0x01FF_FFFF).contains(&index) {
        return None;
    }
    let mut n = HashAlg::Sha256.id().to_be_bytes().to_vec();
    n.extend_from_slice(&HashAlg::Sha256.digest(&[&nv_public(index, written)]));
    Some(n)
}

/// The verifier-owned NV policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NvPolicy {
    /// Expected index Name (34 bytes, SHA-256).
    pub expected_index_name: Vec<u8>,
    /// Expected offset (must be 0).
    pub expected_offset: u16,
    /// Expected size (must be 32).
    pub expected_size: usize,
    /// Expected gateway digest.
    pub expected_gateway_digest: [u8; 32],
}

impl NvPolicy {
    /// The policy for the default index (written form) and `digest`.
    pub fn for_default_index(digest: [u8; 32]) -> NvPolicy {
        NvPolicy {
            expected_index_name: nv_index_name(DEFAULT_NV_INDEX, true).unwrap_or_default(),
            expected_offset: 0,
            expected_size: 32,
            expected_gateway_digest: digest,
        }
    }

    fn valid(&self) -> bool {
        self.expected_index_name.len() == 34
            && self.expected_index_name.get(..2) == Some(&[0x00, 0x0B][..])
            && self.expected_offset == 0
            && self.expected_size == 32
    }
}

/// The four blobs of an NV-certify envelope (already decoded).
#[derive(Clone, Debug)]
pub struct NvPair<'a> {
    /// Pre-extend attest (bare or TPM2B).
    pub pre_attest: &'a [u8],
    /// Its TPMT_SIGNATURE.
    pub pre_signature: &'a [u8],
    /// Post-extend attest.
    pub post_attest: &'a [u8],
    /// Its TPMT_SIGNATURE.
    pub post_signature: &'a [u8],
    /// The envelope's claimed gateway digest.
    pub gateway_digest: [u8; 32],
}

/// Largest NV-certify envelope accepted (bytes).
pub const MAX_ENVELOPE_BYTES: usize = 64 * 1024;

/// Why an NV-certify envelope (§11.3) was refused, with its failure name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// `v` is an integer other than 1.
    #[error("NV-certify envelope version {0} is not supported (want 1)")]
    UnsupportedVersion(String),
    /// Not JSON of the envelope's shape, or a member does not decode.
    #[error("NV-certify envelope is malformed: {0}")]
    Malformed(String),
}

impl EnvelopeError {
    /// The failure name (`unsupported_envelope_version`, `malformed_envelope`).
    pub fn name(&self) -> &'static str {
        match self {
            EnvelopeError::UnsupportedVersion(_) => "unsupported_envelope_version",
            EnvelopeError::Malformed(_) => "malformed_envelope",
        }
    }
}

/// A decoded NV-certify envelope: compact JSON with `v` = 1, the four blobs
/// in padded standard base64, `gateway_digest` as 64 lowercase hex digits and
/// an informational `components` object. Other members are refused.
///
/// ```
/// use cmcp_tpm::nvcertify::Envelope;
/// let e = Envelope::parse(br#"{"v":2}"#).unwrap_err();
/// assert_eq!(e.name(), "unsupported_envelope_version");
/// let e = Envelope::parse(br#"{"v":1,"pre_attest":"@@"}"#).unwrap_err();
/// assert_eq!(e.name(), "malformed_envelope");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// Pre-extend attest.
    pub pre_attest: Vec<u8>,
    /// Its TPMT_SIGNATURE.
    pub pre_signature: Vec<u8>,
    /// Post-extend attest.
    pub post_attest: Vec<u8>,
    /// Its TPMT_SIGNATURE.
    pub post_signature: Vec<u8>,
    /// The gateway digest the envelope claims.
    pub gateway_digest: [u8; 32],
}

impl Envelope {
    /// Parses and decodes an envelope.
    pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        let bad = |m: String| EnvelopeError::Malformed(m);
        if bytes.len() > MAX_ENVELOPE_BYTES {
            return Err(bad(format!(
                "{} bytes, more than the limit of {MAX_ENVELOPE_BYTES}",
                bytes.len()
            )));
        }
        let v = cmcp_json::parse(bytes).map_err(|e| bad(format!("not JSON: {e}")))?;
        let o = v
            .as_object()
            .ok_or_else(|| bad("not a JSON object".to_owned()))?;
        match o.get("v") {
            None => return Err(bad("member v is missing".to_owned())),
            Some(ver) => match ver.as_int() {
                Some(i) if i.as_i64() == Some(1) => {}
                Some(i) => {
                    return Err(EnvelopeError::UnsupportedVersion(
                        i.as_i64()
                            .map_or_else(|| "(out of range)".to_owned(), |n| n.to_string()),
                    ));
                }
                None => {
                    return Err(bad(format!(
                        "member v must be an integer, not {}",
                        ver.type_name()
                    )));
                }
            },
        }
        for (k, val) in o.iter() {
            match k {
                "v" | "pre_attest" | "pre_signature" | "post_attest" | "post_signature"
                | "gateway_digest" => {}
                "components" => {
                    if val.as_object().is_none() {
                        return Err(bad("member components must be an object".to_owned()));
                    }
                }
                other => return Err(bad(format!("unknown member {other:?}"))),
            }
        }
        let text = |k: &str| -> Result<&str, EnvelopeError> {
            o.get(k)
                .ok_or_else(|| bad(format!("member {k} is missing")))?
                .as_str()
                .ok_or_else(|| bad(format!("member {k} must be a string")))
        };
        let blob = |k: &str| -> Result<Vec<u8>, EnvelopeError> {
            cmcp_json::encoding::b64_decode(text(k)?)
                .map_err(|_| bad(format!("member {k} is not canonical padded base64")))
        };
        let digest = cmcp_json::encoding::hex_decode_lower(text("gateway_digest")?)
            .ok()
            .and_then(|d| <[u8; 32]>::try_from(d).ok())
            .ok_or_else(|| {
                bad("member gateway_digest must be 64 lowercase hex digits".to_owned())
            })?;
        Ok(Envelope {
            pre_attest: blob("pre_attest")?,
            pre_signature: blob("pre_signature")?,
            post_attest: blob("post_attest")?,
            post_signature: blob("post_signature")?,
            gateway_digest: digest,
        })
    }

    /// The pair to appraise.
    pub fn pair(&self) -> NvPair<'_> {
        NvPair {
            pre_attest: &self.pre_attest,
            pre_signature: &self.pre_signature,
            post_attest: &self.post_attest,
            post_signature: &self.post_signature,
            gateway_digest: self.gateway_digest,
        }
    }

    /// Encodes an envelope (for tests and tooling), members sorted.
    pub fn to_json(&self) -> String {
        let b = cmcp_json::encoding::b64_encode;
        format!(
            r#"{{"components":{{}},"gateway_digest":"{}","post_attest":"{}","post_signature":"{}","pre_attest":"{}","pre_signature":"{}","v":1}}"#,
            crate::parse::hex(&self.gateway_digest),
            b(&self.post_attest),
            b(&self.post_signature),
            b(&self.pre_attest),
            b(&self.pre_signature)
        )
    }
}

/// The appraisal result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NvOutcome {
    /// The first failure name, `None` when verified.
    pub failure_reason: Option<&'static str>,
    /// Stages passed, in order.
    pub verified_fields: Vec<&'static str>,
    /// Free-form details (`which`, `error`, …).
    pub details: Vec<(String, String)>,
}

impl NvOutcome {
    /// True when every check passed.
    pub fn verified(&self) -> bool {
        self.failure_reason.is_none()
    }
}

/// Appraises an NV-certify pair against `policy`, the AK chain (leaf-first
/// PEM) to `roots` at `now`, and the verifier's `nonce` (32 or 64 bytes).
pub fn verify_nv_pair(
    pair: &NvPair<'_>,
    policy: &NvPolicy,
    ak_chain_pem: &[u8],
    roots: &[Certificate],
    nonce: &[u8],
    now: Timestamp,
    allow_sha1: bool,
) -> NvOutcome {
    let mut o = NvOutcome {
        failure_reason: None,
        verified_fields: Vec::new(),
        details: Vec::new(),
    };
    macro_rules! fail {
        ($name:expr $(, $k:expr => $v:expr)*) => {{
            o.failure_reason = Some($name);
            $(o.details.push(($k.to_string(), $v.to_string()));)*
            return o;
        }};
    }
    if !policy.valid() {
        fail!("invalid_nv_policy");
    }
    if nonce.len() != 32 && nonce.len() != 64 {
        fail!("invalid_expected_nonce");
    }
    o.verified_fields.push("policy");
    let (pre, post) = match (
        Attest::parse_nv_certify(pair.pre_attest),
        Attest::parse_nv_certify(pair.post_attest),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => fail!("malformed_nv_certify", "error" => e),
    };
    o.verified_fields.push("structure");
    let chain = match verify_ak_chain(ak_chain_pem, roots, now, allow_sha1) {
        Ok(c) => c,
        Err(e) => fail!("ak_chain_invalid", "error" => e),
    };
    o.verified_fields.push("ak_chain");
    for (which, a, s) in [
        ("pre", &pre, pair.pre_signature),
        ("post", &post, pair.post_signature),
    ] {
        let sig = match Signature::parse(s) {
            Ok(s) => s,
            Err(e) => fail!("malformed_signature", "which" => which, "error" => e),
        };
        if let Err(e) = verify_signature(a, &sig, &chain.leaf_public_key, allow_sha1) {
            fail!("signature_invalid", "which" => which, "error" => e);
        }
    }
    o.verified_fields.push("signatures");
    let ct = cmcp_json::encoding::ct_eq;
    if !ct(&pre.extra_data, &nv_qualifying_data(nonce, Phase::Pre)) {
        fail!("pre_binding_mismatch");
    }
    if !ct(&post.extra_data, &nv_qualifying_data(nonce, Phase::Post)) {
        fail!("post_binding_mismatch");
    }
    o.verified_fields.push("transcript_binding");
    let mut contents: Vec<Vec<u8>> = Vec::new();
    for (which, a) in [("pre", &pre), ("post", &post)] {
        let Some(nv) = a.nv_certify() else {
            fail!("malformed_nv_certify")
        };
        if !ct(&nv.index_name, &policy.expected_index_name) {
            fail!("nv_index_name_mismatch", "which" => which,
                "actual_index" => crate::parse::hex(&nv.index_name),
                "expected_index" => crate::parse::hex(&policy.expected_index_name));
        }
        if nv.offset != policy.expected_offset {
            fail!("nv_offset_mismatch", "which" => which);
        }
        if nv.nv_contents.len() != policy.expected_size {
            fail!("nv_extent_size_mismatch", "which" => which);
        }
        contents.push(nv.nv_contents.clone());
    }
    o.verified_fields.push("nv_policy");
    if !ct(&pair.gateway_digest, &policy.expected_gateway_digest) {
        fail!("gateway_digest_mismatch",
            "claimed" => crate::parse::hex(&pair.gateway_digest),
            "expected" => crate::parse::hex(&policy.expected_gateway_digest));
    }
    let (Some(pre_v), Some(post_v)) = (contents.first(), contents.get(1)) else {
        fail!("malformed_nv_certify")
    };
    let want = HashAlg::Sha256.digest(&[pre_v, &policy.expected_gateway_digest]);
    if !ct(post_v, &want) {
        fail!("extend_relation_broken",
            "pre" => crate::parse::hex(pre_v),
            "post" => crate::parse::hex(post_v),
            "digest" => crate::parse::hex(&policy.expected_gateway_digest));
    }
    o.verified_fields.push("extend_relation");
    o.details.push((
        "index_name".into(),
        crate::parse::hex(&policy.expected_index_name),
    ));
    o.details
        .push(("nv_contents".into(), crate::parse::hex(post_v)));
    o
}

/// Builds a bare NV-certify `TPMS_ATTEST` (for tests and tooling).
pub fn build_nv_certify(
    signer: &[u8],
    extra: &[u8],
    index_name: &[u8],
    offset: u16,
    contents: &[u8],
) -> Vec<u8> {
    let mut out = crate::parse::TPM_GENERATED_VALUE.to_be_bytes().to_vec();
    out.extend_from_slice(&crate::parse::TPM_ST_ATTEST_NV.to_be_bytes());
    let push2b = |o: &mut Vec<u8>, b: &[u8]| {
        o.extend_from_slice(&u16::try_from(b.len()).unwrap_or(0).to_be_bytes());
        o.extend_from_slice(b);
    };
    push2b(&mut out, signer);
    push2b(&mut out, extra);
    out.extend_from_slice(&[0u8; 17]);
    out.extend_from_slice(&[0u8; 8]);
    push2b(&mut out, index_name);
    out.extend_from_slice(&offset.to_be_bytes());
    push2b(&mut out, contents);
    out
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::*;
    use cmcp_json::encoding::hex_encode;

    #[test]
    fn spec_values() {
        let n64: Vec<u8> = (0u8..64).collect();
        let n32: Vec<u8> = (0u8..32).collect();
        assert_eq!(
            hex_encode(&nv_qualifying_data(&n64, Phase::Post)),
            "59553c4b0f720debaa24a2a3e151029c2a4566b942e8a96744eace2f29a8b044"
        );
        assert_eq!(
            hex_encode(&nv_qualifying_data(&n32, Phase::Pre)),
            "e723102f35e581ea3bd0a2c2da315aeb2fe810124e6d04a1c80e2a2ccef57808"
        );
        assert_eq!(
            hex_encode(&nv_public(DEFAULT_NV_INDEX, true)),
            "01500432000b2206004200000020"
        );
        assert_eq!(
            hex_encode(&nv_public(DEFAULT_NV_INDEX, false)),
            "01500432000b0206004200000020"
        );
        assert_eq!(
            hex_encode(&nv_index_name(DEFAULT_NV_INDEX, false).unwrap()),
            "000be0f2cbc7347cd042a540459b3bab3734601e3cf0ea72e140c46983c40a84fb14"
        );
        assert!(nv_index_name(0x8100_0001, true).is_none());
    }

    #[test]
    fn built_certify_parses_at_173_bytes() {
        let name = nv_index_name(DEFAULT_NV_INDEX, true).unwrap();
        let a = build_nv_certify(&[0u8; 34], &[1u8; 32], &name, 0, &[2u8; 32]);
        assert_eq!(a.len(), 173);
        let p = Attest::parse_nv_certify(&a).unwrap();
        assert_eq!(p.nv_certify().unwrap().index_name, name);
        let mut t = a.clone();
        t.push(0);
        assert!(matches!(
            Attest::parse(&t),
            Err(crate::parse::ParseError::Trailing {
                what: "TPMS_NV_CERTIFY_INFO",
                count: 1
            })
        ));
    }

    #[test]
    fn early_failures_in_order() {
        let p = NvPolicy::for_default_index([0; 32]);
        let name = nv_index_name(DEFAULT_NV_INDEX, true).unwrap();
        let a = build_nv_certify(&[], &[], &name, 0, &[0; 32]);
        let pair = NvPair {
            pre_attest: &a,
            pre_signature: &[],
            post_attest: &a,
            post_signature: &[],
            gateway_digest: [0; 32],
        };
        let now = Timestamp::from_unix(0);
        let mut bad = p.clone();
        bad.expected_offset = 1;
        assert_eq!(
            verify_nv_pair(&pair, &bad, b"", &[], &[0; 32], now, false).failure_reason,
            Some("invalid_nv_policy")
        );
        assert_eq!(
            verify_nv_pair(&pair, &p, b"", &[], &[0; 31], now, false).failure_reason,
            Some("invalid_expected_nonce")
        );
        let q = NvPair {
            pre_attest: &[0u8; 3],
            ..pair.clone()
        };
        assert_eq!(
            verify_nv_pair(&q, &p, b"", &[], &[0; 32], now, false).failure_reason,
            Some("malformed_nv_certify")
        );
        let o = verify_nv_pair(&pair, &p, b"", &[], &[0; 32], now, false);
        assert_eq!(o.failure_reason, Some("ak_chain_invalid"));
        assert_eq!(o.verified_fields, vec!["policy", "structure"]);
    }

    #[test]
    fn envelope_parse_is_strict_and_total() {
        let e = Envelope {
            pre_attest: vec![1, 2, 3],
            pre_signature: vec![4],
            post_attest: vec![5, 6],
            post_signature: vec![7, 8, 9, 10],
            gateway_digest: [0xab; 32],
        };
        let json = e.to_json();
        assert_eq!(Envelope::parse(json.as_bytes()).unwrap(), e);
        let name = |b: &[u8]| Envelope::parse(b).map(|_| ()).map_err(|e| e.name());
        // Every prefix is refused with a name, never a panic.
        for n in 0..json.len() {
            assert_eq!(
                name(&json.as_bytes()[..n]),
                Err("malformed_envelope"),
                "prefix {n}"
            );
        }
        let edit = |from: &str, to: &str| json.replacen(from, to, 1).into_bytes();
        assert_eq!(
            name(&edit(r#""v":1"#, r#""v":0"#)),
            Err("unsupported_envelope_version")
        );
        assert_eq!(
            name(&edit(r#""v":1"#, r#""v":99999999999999999999999"#)),
            Err("unsupported_envelope_version")
        );
        assert_eq!(
            name(&edit(r#""v":1"#, r#""v":"1""#)),
            Err("malformed_envelope")
        );
        assert_eq!(
            name(&edit(r#""v":1"#, r#""v":1.0"#)),
            Err("malformed_envelope")
        );
        assert_eq!(
            name(&edit(r#""v":1"#, r#""v":1,"extra":0"#)),
            Err("malformed_envelope")
        );
        assert_eq!(
            name(&edit(r#""components":{}"#, r#""components":[]"#)),
            Err("malformed_envelope")
        );
        assert_eq!(
            name(&edit(&"ab".repeat(32), &"AB".repeat(32))),
            Err("malformed_envelope")
        );
        assert_eq!(
            name(&edit(&"ab".repeat(32), &"ab".repeat(31))),
            Err("malformed_envelope")
        );
        // Unpadded base64 of [1, 2, 3, ...]: "AQID" is already unpadded, so
        // use the 1-byte signature "BA==".
        assert_eq!(
            name(&edit(r#""BA==""#, r#""BA""#)),
            Err("malformed_envelope")
        );
        assert_eq!(name(&[0xff; 8]), Err("malformed_envelope"));
        assert_eq!(
            name(&vec![b' '; MAX_ENVELOPE_BYTES + 1]),
            Err("malformed_envelope")
        );
        assert_eq!(name(b"[]"), Err("malformed_envelope"));
        assert_eq!(name(br#"{"v":1}"#), Err("malformed_envelope"));
    }
}
