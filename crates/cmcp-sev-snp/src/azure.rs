//! Azure confidential VMs (`azure-cvm-sev-snp`, spec §8): SEV-SNP behind the
//! Hyper-V paravisor, with the nonce carried by a vTPM quote.
//!
//! Chain of trust checked, in order:
//! `nonce → SHA-256 → quote extraData → AK signature → AK == HCLAkPub in
//! runtime_data → SHA-256(runtime_data) == REPORT_DATA[0:32] → VCEK
//! signature over the report → ASK → pinned ARK`, then appraisal.
//!
//! Ledger fields: `measurement`, `runtime_data_binding`, `ak_binding`,
//! `quote_nonce_binding`, `vcek_cert_chain`, `report_signature`,
//! `platform_state`, `hardware_attestation`. Failure names go to
//! `details.azure_cvm_failure` (the reference's key for this platform).
//!
//! TPMS_ATTEST / TPMT_SIGNATURE are read by a minimal local parser (only the
//! members this path needs), so this crate does not depend on `cmcp-tpm`.

use crate::parse::REPORT_LEN;
use crate::verifier::{SnpVerifier, authenticate_and_appraise, fail_with};
use cmcp_json::Value;
use cmcp_json::encoding::{b64_decode, b64u_decode, ct_eq};
use cmcp_policy::{EvidenceInput, Ledger, VerifyContext};
use cmcp_x509::{HashAlg, PublicKey};
use sha2::Digest as _;

/// The platform name.
pub const PLATFORM_AZURE_CVM: &str = "azure-cvm-sev-snp";
/// Largest accepted envelope (256 KiB).
pub const MAX_ENVELOPE: usize = 256 * 1024;
const KEY: &str = "azure_cvm_failure";
const TPM_GENERATED_VALUE: u32 = 0xFF54_4347;
const TPM_ST_ATTEST_QUOTE: u16 = 0x8018;

/// Why an envelope or HCL blob could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Larger than the cap.
    #[error("evidence envelope is {0} bytes, more than the {MAX_ENVELOPE}-byte limit")]
    TooLarge(usize),
    /// Not strict JSON, or not an object.
    #[error("evidence envelope is not a JSON object: {0}")]
    Json(String),
    /// A member is missing, has the wrong type, or is not canonical base64.
    #[error("evidence envelope member {0:?}: {1}")]
    Member(&'static str, &'static str),
    /// A member this verifier does not know.
    #[error("evidence envelope has unknown member {0:?}")]
    Unknown(String),
    /// The HCL report blob is malformed.
    #[error("HCL report: {0}")]
    Hcl(&'static str),
}

/// The decoded `raw_evidence` envelope (spec §8.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The 1184-byte SNP report.
    pub snp_report: Vec<u8>,
    /// The runtime_data JSON, verbatim.
    pub runtime_data: Vec<u8>,
    /// TPMS_ATTEST as `tpm2_quote -m` writes it.
    pub quote_msg: Vec<u8>,
    /// TPMT_SIGNATURE as `tpm2_quote -s` writes it.
    pub quote_sig: Vec<u8>,
    /// The AK public key PEM.
    pub ak_pub_pem: String,
    /// The VCEK/ASK/ARK PEM bundle; empty if the producer had none.
    pub vcek_chain_pem: Vec<u8>,
}

fn member_b64(
    obj: &cmcp_json::Object,
    name: &'static str,
    required: bool,
) -> Result<Vec<u8>, EnvelopeError> {
    match obj.get(name) {
        None if !required => Ok(Vec::new()),
        None => Err(EnvelopeError::Member(name, "missing")),
        Some(v) => {
            let s = v
                .as_str()
                .ok_or(EnvelopeError::Member(name, "must be a string"))?;
            if s.is_empty() {
                return if required {
                    Err(EnvelopeError::Member(name, "is empty"))
                } else {
                    Ok(Vec::new())
                };
            }
            b64_decode(s).map_err(|_| EnvelopeError::Member(name, "is not canonical padded base64"))
        }
    }
}

impl Envelope {
    /// Parses the envelope: strict JSON object with exactly the members
    /// `v` (integer 1, optional), `snp_report`, `runtime_data`, `quote_msg`,
    /// `quote_sig` (padded standard base64), `ak_pub_pem` (string) and
    /// `vcek_chain_pem` (base64, optional, may be empty).
    ///
    /// ```
    /// use cmcp_sev_snp::azure::{Envelope, EnvelopeError};
    /// assert!(matches!(Envelope::parse(b"[]"), Err(EnvelopeError::Json(_))));
    /// assert!(matches!(Envelope::parse(br#"{"snp_report":1}"#), Err(EnvelopeError::Member("snp_report", _))));
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        if bytes.len() > MAX_ENVELOPE {
            return Err(EnvelopeError::TooLarge(bytes.len()));
        }
        let v = cmcp_json::parse(bytes).map_err(|e| EnvelopeError::Json(e.to_string()))?;
        let obj = v
            .as_object()
            .ok_or_else(|| EnvelopeError::Json("not an object".to_owned()))?;
        for (k, val) in obj.iter() {
            match k {
                "v" => {
                    if val.as_int().and_then(|i| i.as_i64()) != Some(1) {
                        return Err(EnvelopeError::Member("v", "must be the integer 1"));
                    }
                }
                "snp_report" | "runtime_data" | "quote_msg" | "quote_sig" | "ak_pub_pem"
                | "vcek_chain_pem" => {}
                other => return Err(EnvelopeError::Unknown(other.to_owned())),
            }
        }
        let snp_report = member_b64(obj, "snp_report", true)?;
        let runtime_data = member_b64(obj, "runtime_data", true)?;
        let quote_msg = member_b64(obj, "quote_msg", true)?;
        let quote_sig = member_b64(obj, "quote_sig", true)?;
        let ak_pub_pem = obj
            .get("ak_pub_pem")
            .ok_or(EnvelopeError::Member("ak_pub_pem", "missing"))?
            .as_str()
            .ok_or(EnvelopeError::Member("ak_pub_pem", "must be a string"))?
            .to_owned();
        Ok(Envelope {
            snp_report,
            runtime_data,
            quote_msg,
            quote_sig,
            ak_pub_pem,
            vcek_chain_pem: member_b64(obj, "vcek_chain_pem", false)?,
        })
    }
}

/// An HCL report (vTPM NV index 0x01400001) split into its parts (spec §8.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HclReport {
    /// The SNP report at 0x20..0x4C0.
    pub snp_report: Vec<u8>,
    /// The report-data hash type (1 = SHA-256).
    pub hash_type: u32,
    /// The runtime_data JSON (variable data).
    pub runtime_data: Vec<u8>,
}

fn le32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes(s.try_into().ok()?))
}

/// Splits an HCL report blob: magic `HCLA`, the SNP report at 0x20, then
/// the IGVM request data whose variable-data size sits at 0x4D0 and whose
/// runtime_data JSON starts at 0x4D4.
///
/// ```
/// use cmcp_sev_snp::azure::split_hcl_report;
/// assert!(split_hcl_report(b"HCLB").is_err());
/// ```
pub fn split_hcl_report(blob: &[u8]) -> Result<HclReport, EnvelopeError> {
    if blob.get(..4) != Some(b"HCLA".as_slice()) {
        return Err(EnvelopeError::Hcl("bad magic"));
    }
    let report = blob
        .get(0x20..0x20 + REPORT_LEN)
        .ok_or(EnvelopeError::Hcl("too short for the SNP report"))?;
    let hash_type = le32(blob, 0x4CC).ok_or(EnvelopeError::Hcl("truncated request data"))?;
    let n = le32(blob, 0x4D0).ok_or(EnvelopeError::Hcl("truncated request data"))?;
    let n = usize::try_from(n).map_err(|_| EnvelopeError::Hcl("bad variable-data size"))?;
    let rd = 0x4D4usize
        .checked_add(n)
        .and_then(|end| blob.get(0x4D4..end))
        .ok_or(EnvelopeError::Hcl("variable data runs past the end"))?;
    Ok(HclReport {
        snp_report: report.to_vec(),
        hash_type,
        runtime_data: rd.to_vec(),
    })
}

/// The `HCLAkPub` JWK's `(n, e)` from runtime_data, big-endian, leading zeros stripped.
///
/// ```
/// use cmcp_sev_snp::azure::hcl_ak_pub;
/// let rd = br#"{"keys":[{"kid":"HCLAkPub","kty":"RSA","e":"AQAB","n":"AAEC"}]}"#;
/// assert_eq!(hcl_ak_pub(rd).unwrap(), (vec![1, 2], vec![1, 0, 1]));
/// assert!(hcl_ak_pub(br#"{"keys":[]}"#).is_err());
/// ```
pub fn hcl_ak_pub(runtime_data: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let v = cmcp_json::parse(runtime_data).map_err(|e| format!("runtime_data is not JSON: {e}"))?;
    let keys = v
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("runtime_data has no keys array")?;
    let jwk = keys
        .iter()
        .find(|k| k.get("kid").and_then(Value::as_str) == Some("HCLAkPub"))
        .ok_or("runtime_data has no HCLAkPub key")?;
    let part = |name: &str| -> Result<Vec<u8>, String> {
        let s = jwk
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("HCLAkPub has no {name}"))?;
        let b = b64u_decode(s).map_err(|_| format!("HCLAkPub {name} is not base64url"))?;
        Ok(strip(&b).to_vec())
    };
    Ok((part("n")?, part("e")?))
}

fn strip(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    b.get(i..).unwrap_or(&[])
}

/// Reads one DER TLV; returns (tag, content, rest).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&l0, rest) = rest.split_first()?;
    let (len, rest) = if l0 < 0x80 {
        (usize::from(l0), rest)
    } else {
        let n = usize::from(l0 & 0x7F);
        if n == 0 || n > 3 {
            return None;
        }
        let (lb, rest) = rest.split_at_checked(n)?;
        (
            lb.iter().fold(0usize, |a, x| (a << 8) | usize::from(*x)),
            rest,
        )
    };
    let (content, rest) = rest.split_at_checked(len)?;
    Some((tag, content, rest))
}

/// Loads the AK: `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1) PEM; must be RSA.
///
/// ```
/// use cmcp_sev_snp::azure::ak_from_pem;
/// assert!(ak_from_pem("no pem here").is_err());
/// ```
pub fn ak_from_pem(pem: &str) -> Result<PublicKey, String> {
    if let Ok(blocks) = cmcp_x509::pem_blocks(pem.as_bytes(), "PUBLIC KEY", 1)
        && let Some(der) = blocks.first()
    {
        return match PublicKey::from_spki_der(der).map_err(|e| e.to_string())? {
            k @ PublicKey::Rsa(_) => Ok(k),
            other => Err(format!("AK is {}, not RSA", other.kind())),
        };
    }
    let blocks = cmcp_x509::pem_blocks(pem.as_bytes(), "RSA PUBLIC KEY", 1)
        .map_err(|e| format!("ak_pub_pem: {e}"))?;
    let der = blocks.first().ok_or("ak_pub_pem holds no public key")?;
    let (tag, seq, rest) = tlv(der).ok_or("malformed RSA PUBLIC KEY")?;
    let (t1, n, r1) = tlv(seq).ok_or("malformed RSA PUBLIC KEY")?;
    let (t2, e, r2) = tlv(r1).ok_or("malformed RSA PUBLIC KEY")?;
    if tag != 0x30 || t1 != 0x02 || t2 != 0x02 || !rest.is_empty() || !r2.is_empty() {
        return Err("malformed RSA PUBLIC KEY".to_owned());
    }
    PublicKey::from_rsa_components(strip(n), strip(e)).map_err(|e| e.to_string())
}

/// A TPMT_SIGNATURE with an RSA scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteSignature {
    /// 0x0014 RSASSA or 0x0016 RSAPSS.
    pub sig_alg: u16,
    /// 0x000B SHA-256 or 0x000C SHA-384.
    pub hash_alg: u16,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

fn be16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes(s.try_into().ok()?))
}

fn be32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes(s.try_into().ok()?))
}

impl QuoteSignature {
    /// Parses `sigAlg u16 ‖ hashAlg u16 ‖ size u16 ‖ sig`, exactly (no trailing bytes).
    ///
    /// ```
    /// use cmcp_sev_snp::azure::QuoteSignature;
    /// assert!(QuoteSignature::parse(&[0, 0x14, 0, 0x0B]).is_err());
    /// let s = QuoteSignature::parse(&[0, 0x14, 0, 0x0B, 0, 1, 0xAA]).unwrap();
    /// assert_eq!(s.signature, vec![0xAA]);
    /// ```
    pub fn parse(b: &[u8]) -> Result<QuoteSignature, String> {
        let sig_alg = be16(b, 0).ok_or("quote_sig too short")?;
        let hash_alg = be16(b, 2).ok_or("quote_sig too short")?;
        let size = usize::from(be16(b, 4).ok_or("quote_sig too short")?);
        let sig = b.get(6..).ok_or("quote_sig too short")?;
        if sig.len() != size {
            return Err(format!(
                "quote_sig declares {size} signature bytes but has {}",
                sig.len()
            ));
        }
        Ok(QuoteSignature {
            sig_alg,
            hash_alg,
            signature: sig.to_vec(),
        })
    }

    /// Verifies over `msg` (all of quote_msg as supplied) with the AK.
    pub fn verify(&self, ak: &PublicKey, msg: &[u8]) -> Result<(), String> {
        let hash = match self.hash_alg {
            0x000B => HashAlg::Sha256,
            0x000C => HashAlg::Sha384,
            0x0004 => return Err("SHA-1 quote signatures are not accepted".to_owned()),
            h => return Err(format!("unsupported quote hashAlg 0x{h:04x}")),
        };
        match self.sig_alg {
            0x0014 => ak
                .verify_rsa_pkcs1v15(hash, msg, &self.signature)
                .map_err(|e| e.to_string()),
            0x0016 => ak
                .verify_rsa_pss(hash, Some(hash.output_len()), msg, &self.signature)
                .map_err(|e| e.to_string()),
            a => Err(format!("unsupported quote sigAlg 0x{a:04x}")),
        }
    }
}

/// Reads TPMS_ATTEST's extraData (raw, or inside a TPM2B wrapper) and
/// checks magic and type (must be a quote, 0x8018).
///
/// ```
/// use cmcp_sev_snp::azure::quote_extra_data;
/// let mut q = vec![0xFF, 0x54, 0x43, 0x47, 0x80, 0x18, 0, 0, 0, 2, 0xAB, 0xCD];
/// assert_eq!(quote_extra_data(&q).unwrap(), vec![0xAB, 0xCD]);
/// q[5] = 0x17;
/// assert!(quote_extra_data(&q).is_err());
/// ```
pub fn quote_extra_data(quote_msg: &[u8]) -> Result<Vec<u8>, String> {
    let attest = if be32(quote_msg, 0) == Some(TPM_GENERATED_VALUE) {
        quote_msg
    } else if be32(quote_msg, 2) == Some(TPM_GENERATED_VALUE) {
        let n = usize::from(be16(quote_msg, 0).ok_or("short quote")?);
        quote_msg
            .get(2..)
            .filter(|r| r.len() == n)
            .ok_or("TPM2B size does not match the quote length")?
    } else {
        return Err("TPMS_ATTEST magic not found".to_owned());
    };
    if be16(attest, 4) != Some(TPM_ST_ATTEST_QUOTE) {
        return Err("TPMS_ATTEST type is not TPM_ST_ATTEST_QUOTE".to_owned());
    }
    let signer = usize::from(be16(attest, 6).ok_or("truncated qualifiedSigner")?);
    let off = 8usize.checked_add(signer).ok_or("overflow")?;
    let n = usize::from(be16(attest, off).ok_or("truncated extraData")?);
    let start = off.checked_add(2).ok_or("overflow")?;
    let data = start
        .checked_add(n)
        .and_then(|end| attest.get(start..end))
        .ok_or("truncated extraData")?;
    Ok(data.to_vec())
}

fn fail(l: &mut Ledger, field: &str, reason: &str, msg: &str) {
    fail_with(l, KEY, field, reason, msg);
}

pub(crate) fn verify_azure(
    v: &SnpVerifier,
    input: &EvidenceInput<'_>,
    ctx: &VerifyContext<'_>,
    l: &mut Ledger,
) {
    let Some(raw) = input.raw_evidence.filter(|r| !r.is_empty()) else {
        return crate::verifier::no_evidence(l, "no Azure CVM evidence envelope in raw_evidence");
    };
    let env = match Envelope::parse(raw) {
        Ok(e) => e,
        Err(e) => {
            l.detail("evidence", e.to_string());
            return fail(l, "measurement", "evidence_parse_error", &e.to_string());
        }
    };
    let Some(report) =
        crate::verifier::parse_and_measure(&env.snp_report, input.claimed_measurement, l, fail)
    else {
        return;
    };
    let rd_hash = sha2::Sha256::digest(&env.runtime_data);
    if !ct_eq(&rd_hash, report.report_data.get(..32).unwrap_or(&[])) {
        return fail(
            l,
            "runtime_data_binding",
            "runtime_data_binding_mismatch",
            "REPORT_DATA[0:32] is not SHA-256(runtime_data)",
        );
    }
    l.verified(
        "runtime_data_binding",
        "REPORT_DATA[0:32] = SHA-256(runtime_data)",
    );
    let ak = match (ak_from_pem(&env.ak_pub_pem), hcl_ak_pub(&env.runtime_data)) {
        (Ok(ak), Ok((n, e))) => {
            let PublicKey::Rsa(rsa) = &ak else {
                return fail(l, "ak_binding", "ak_parse_error", "AK is not RSA");
            };
            if !(ct_eq(strip(rsa.modulus_be()), &n) && ct_eq(strip(rsa.exponent_be()), &e)) {
                return fail(
                    l,
                    "ak_binding",
                    "ak_mismatch",
                    "ak_pub_pem differs from runtime_data HCLAkPub",
                );
            }
            ak
        }
        (Err(e), _) | (_, Err(e)) => {
            l.detail("ak", e.clone());
            return fail(l, "ak_binding", "ak_parse_error", &e);
        }
    };
    l.verified("ak_binding", "AK equals HCLAkPub in runtime_data");
    let sig_ok = QuoteSignature::parse(&env.quote_sig).and_then(|s| s.verify(&ak, &env.quote_msg));
    if let Err(e) = sig_ok {
        l.detail("quote_signature", e.clone());
        return fail(l, "quote_nonce_binding", "quote_signature_invalid", &e);
    }
    let extra = match quote_extra_data(&env.quote_msg) {
        Ok(x) => x,
        Err(e) => {
            l.detail("quote", e.clone());
            return fail(l, "quote_nonce_binding", "quote_parse_error", &e);
        }
    };
    let mut bound = false;
    match input.nonce {
        Some(n) if n.len() == 64 => {
            let want = sha2::Sha256::digest(n);
            if !ct_eq(&extra, &want) {
                return fail(
                    l,
                    "quote_nonce_binding",
                    "quote_nonce_mismatch",
                    "quote extraData is not SHA-256 of the 64-byte nonce",
                );
            }
            l.verified(
                "quote_nonce_binding",
                "AK-signed quote extraData = SHA-256(nonce)",
            );
            bound = true;
        }
        Some(n) => {
            return fail(
                l,
                "quote_nonce_binding",
                "quote_nonce_mismatch",
                &format!("nonce must be 64 bytes, got {}", n.len()),
            );
        }
        None => l.not_established("quote_nonce_binding", "no nonce supplied"),
    }
    let chain = (!env.vcek_chain_pem.is_empty()).then_some(env.vcek_chain_pem.as_slice());
    authenticate_and_appraise(v, &report, chain, ctx, l, KEY, bound);
}
