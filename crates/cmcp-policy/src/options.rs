//! What the relying party supplies.

use crate::time::Timestamp;
use cmcp_json::encoding::{ct_eq, hex_decode, hex_encode};
use std::collections::BTreeMap;
use std::fmt;

/// A digest algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DigestAlg {
    /// SHA-256 (32 bytes).
    Sha256,
    /// SHA-384 (48 bytes).
    Sha384,
}

impl DigestAlg {
    /// Digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            DigestAlg::Sha256 => 32,
            DigestAlg::Sha384 => 48,
        }
    }

    /// The prefix name (`sha256` / `sha384`).
    pub fn name(self) -> &'static str {
        match self {
            DigestAlg::Sha256 => "sha256",
            DigestAlg::Sha384 => "sha384",
        }
    }
}

/// A parsed digest: algorithm and bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    alg: DigestAlg,
    bytes: Vec<u8>,
}

/// Why a digest string was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// Not `sha256:<64 hex>`, `sha384:<96 hex>` or bare hex of one of those lengths.
    #[error("not a digest (want sha256:<64 hex> or sha384:<96 hex>): {0:?}")]
    Syntax(String),
}

impl Digest {
    /// Parses the gateway's form: `sha256:` + 64 lowercase hex or `sha384:` + 96.
    ///
    /// ```
    /// use cmcp_policy::Digest;
    /// let d = Digest::parse_claimed(&format!("sha256:{}", "ab".repeat(32))).unwrap();
    /// assert_eq!(d.bytes().len(), 32);
    /// assert!(Digest::parse_claimed(&format!("sha256:{}", "AB".repeat(32))).is_err());
    /// assert!(Digest::parse_claimed(&"ab".repeat(32)).is_err());
    /// ```
    pub fn parse_claimed(s: &str) -> Result<Digest, DigestError> {
        let err = || DigestError::Syntax(s.to_owned());
        let (alg, hex) = if let Some(h) = s.strip_prefix("sha256:") {
            (DigestAlg::Sha256, h)
        } else if let Some(h) = s.strip_prefix("sha384:") {
            (DigestAlg::Sha384, h)
        } else {
            return Err(err());
        };
        let bytes = cmcp_json::encoding::hex_decode_lower(hex).map_err(|_| err())?;
        if bytes.len() != alg.digest_len() {
            return Err(err());
        }
        Ok(Digest { alg, bytes })
    }

    /// Parses a relying-party pin: the claimed form in either hex case, or
    /// bare hex of 64 (SHA-256) or 96 (SHA-384) digits.
    ///
    /// ```
    /// use cmcp_policy::Digest;
    /// let a = Digest::parse_pin(&"AB".repeat(32)).unwrap();
    /// let b = Digest::parse_claimed(&format!("sha256:{}", "ab".repeat(32))).unwrap();
    /// assert!(a.ct_eq(&b));
    /// ```
    pub fn parse_pin(s: &str) -> Result<Digest, DigestError> {
        let err = || DigestError::Syntax(s.to_owned());
        let (alg, hex) = if let Some(h) = s.strip_prefix("sha256:") {
            (Some(DigestAlg::Sha256), h)
        } else if let Some(h) = s.strip_prefix("sha384:") {
            (Some(DigestAlg::Sha384), h)
        } else {
            (None, s)
        };
        let bytes = hex_decode(hex).map_err(|_| err())?;
        let alg = match (alg, bytes.len()) {
            (Some(a), n) if n == a.digest_len() => a,
            (None, 32) => DigestAlg::Sha256,
            (None, 48) => DigestAlg::Sha384,
            _ => return Err(err()),
        };
        Ok(Digest { alg, bytes })
    }

    /// Builds a digest from parts.
    pub fn new(alg: DigestAlg, bytes: Vec<u8>) -> Result<Digest, DigestError> {
        if bytes.len() != alg.digest_len() {
            return Err(DigestError::Syntax(hex_encode(&bytes)));
        }
        Ok(Digest { alg, bytes })
    }

    /// The algorithm.
    pub fn alg(&self) -> DigestAlg {
        self.alg
    }

    /// The digest bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Constant-time equality (algorithm and bytes).
    pub fn ct_eq(&self, other: &Digest) -> bool {
        self.alg == other.alg && ct_eq(&self.bytes, &other.bytes)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.alg.name(), hex_encode(&self.bytes))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Pinned roots and CAs, as PEM or DER bytes exactly as the relying party
/// gave them. Each attestation crate decodes what it needs. Nothing here is
/// trusted unless the relying party put it here (or opted into the builtin
/// vendor roots with `builtin_roots`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustInputs {
    /// Use the vendor roots embedded in the attestation crates.
    pub builtin_roots: bool,
    /// AMD ARK certificates (SEV-SNP, Azure CVM).
    pub amd_ark: Vec<Vec<u8>>,
    /// Intel SGX root CA certificates (TDX).
    pub intel_root: Vec<Vec<u8>>,
    /// TPM manufacturer / cloud CA certificates.
    pub tpm_ca: Vec<Vec<u8>>,
}

/// Everything a claim verification takes besides the claim itself.
///
/// ```
/// use cmcp_policy::{Timestamp, VerifyOptions};
/// let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
/// assert_eq!(opts.max_age_seconds, 86_400);
/// assert_eq!(opts.future_skew_seconds, 300);
/// ```
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// The time to verify at.
    pub now: Timestamp,
    /// Oldest acceptable attestation, in seconds.
    pub max_age_seconds: u64,
    /// How far in the future attestation may be dated before it is refused.
    pub future_skew_seconds: u64,
    /// Approved policy bundle hash; `None` = not pinned.
    pub policy_hash: Option<Digest>,
    /// Approved tool catalog hash; `None` = not pinned.
    pub catalog_hash: Option<Digest>,
    /// Approved launch measurements (`trace.runtime.measurement` values); `None` = not pinned.
    pub launch_measurements: Option<Vec<Digest>>,
    /// Expected raw 32-byte gateway measurement for the nonce's second half.
    pub gateway_measurement: Option<[u8; 32]>,
    /// Out-of-band pinned gateway public key (raw Ed25519).
    pub trusted_key: Option<[u8; 32]>,
    /// External execution evidence issuer keys: hex SHA-256 of the key → raw key.
    pub evidence_keys: BTreeMap<String, [u8; 32]>,
    /// Pinned roots.
    pub trust: TrustInputs,
    /// Parsed relying-party appraisal policy file, if any (each attestation crate reads its section).
    pub appraisal: Option<cmcp_json::Value>,
    /// Offline platform inputs by name, as raw file bytes: `tdx_collateral`
    /// (Intel PCS collateral JSON), `tpm_pcrs` (PCR values JSON),
    /// `tpm_event_log` (TCG event log), `tpm_nv_certify` (NV-certify
    /// envelope JSON), `tpm_gateway_digest` (the expected 32-byte gateway
    /// digest, raw), `snp_crl` (one entry per CRL).
    pub platform_inputs: BTreeMap<String, Vec<Vec<u8>>>,
    /// A signed Agent Manifest (v0.1 JSON or v0.2 COSE_Sign1 bytes) to bind
    /// against `gateway.agent_identity`; `None` = no manifest check.
    pub agent_manifest: Option<Vec<u8>>,
    /// Agent Manifest issuer keys: hex SHA-256 of the key → raw Ed25519 key.
    pub manifest_keys: BTreeMap<String, [u8; 32]>,
    /// Accept `subject_source: manifest-dev` (a development policy only).
    pub allow_dev_subject: bool,
}

impl VerifyOptions {
    /// Defaults (nothing pinned, 24 h maximum age, 300 s future skew) at time `now`.
    pub fn at(now: Timestamp) -> Self {
        VerifyOptions {
            now,
            max_age_seconds: 86_400,
            future_skew_seconds: 300,
            policy_hash: None,
            catalog_hash: None,
            launch_measurements: None,
            gateway_measurement: None,
            trusted_key: None,
            evidence_keys: BTreeMap::new(),
            trust: TrustInputs::default(),
            appraisal: None,
            platform_inputs: BTreeMap::new(),
            agent_manifest: None,
            manifest_keys: BTreeMap::new(),
            allow_dev_subject: false,
        }
    }
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions::at(Timestamp::now())
    }
}
