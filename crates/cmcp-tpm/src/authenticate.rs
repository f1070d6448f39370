//! Authenticating a quote: the `TPMT_SIGNATURE` under the attestation key
//! (AK), the AK certificate chain to a pinned CA, and the EK certificate rule.
//!
//! * RSASSA → RSA PKCS#1 v1.5; RSAPSS → RSA-PSS with MGF1 over the same hash
//!   and a salt of **exactly** the digest length; ECDSA → P-256 or P-384
//!   with any allowed hash (longer digests truncated per SEC 1), `r` and `s`
//!   taken as unsigned big-endian integers and left-padded to the field size.
//! * The message is always the inner `TPMS_ATTEST` ([`Attest::signed_bytes`]),
//!   never a `TPM2B` size prefix.
//! * SHA-1 signatures are refused unless the policy allows them.
//! * The AK chain (leaf first) must validate to a pinned TPM CA at `now`.
//! * An EK chain is accepted only when its leaf carries the TCG EK EKU
//!   `2.23.133.8.1` and is not a CA (Azure's vTPM intermediates carry the EKU).
//!   Even then the AK and the EK are **not** shown to live in the same TPM:
//!   that needs credential activation, an interactive protocol.
//!
//! ```
//! use cmcp_tpm::authenticate::{builtin_roots, BUILTIN_ROOT_FINGERPRINTS};
//! let roots = builtin_roots().unwrap();
//! assert_eq!(roots.len(), 1);
//! assert_eq!(roots[0].sha256_fingerprint(), BUILTIN_ROOT_FINGERPRINTS[0].1);
//! ```

use crate::parse::{Attest, HashAlg, SigBody, SigScheme, Signature};
use cmcp_policy::Timestamp;
use cmcp_x509::{Certificate, ChainError, ChainPolicy, Curve, PublicKey, VerifiedChain};

/// The TCG EK certificate EKU.
pub const TCG_EK_EKU: &str = "2.23.133.8.1";
/// The TCG AIK/AK certificate EKU.
pub const TCG_AK_EKU: &str = "2.23.133.8.3";

const AZURE_ROOT_2023_PEM: &[u8] = include_bytes!("../roots/azure-vtpm-root-2023.pem");
const AZURE_CA_03_PEM: &[u8] = include_bytes!("../roots/azure-global-virtual-tpm-ca-03.pem");

/// Embedded TPM roots (used only when the relying party opts in with
/// `TrustInputs::builtin_roots`): name and SHA-256 of the DER.
pub const BUILTIN_ROOT_FINGERPRINTS: [(&str, [u8; 32]); 1] = [(
    "Azure Virtual TPM Root Certificate Authority 2023",
    [
        0xe6, 0xc5, 0x96, 0xb1, 0x7f, 0x8f, 0xfe, 0xfb, 0xa5, 0xc3, 0x00, 0xf7, 0x14, 0xcf, 0xb1,
        0x26, 0x0c, 0x60, 0x28, 0x70, 0x4e, 0xcf, 0x7b, 0xec, 0xc4, 0xab, 0x50, 0x18, 0xef, 0xb0,
        0x0e, 0x95,
    ],
)];

/// Embedded chain-building intermediates (never trust anchors): name and SHA-256.
pub const BUILTIN_INTERMEDIATE_FINGERPRINTS: [(&str, [u8; 32]); 1] = [(
    "Global Virtual TPM CA - 03",
    [
        0xfd, 0x7c, 0x92, 0xda, 0xbc, 0xe4, 0xdc, 0xec, 0x9f, 0xea, 0xa3, 0x0f, 0x8b, 0x08, 0x7a,
        0xda, 0x05, 0x98, 0x41, 0x31, 0x89, 0x18, 0x21, 0x52, 0xb8, 0x81, 0xf5, 0x56, 0x40, 0x64,
        0xa2, 0x9c,
    ],
)];

fn load_pinned(pem: &[u8], want: &[u8; 32]) -> Result<Certificate, AuthError> {
    let certs = cmcp_x509::parse_pem_bundle(pem).map_err(|e| AuthError::Roots(e.to_string()))?;
    let c = certs
        .into_iter()
        .next()
        .ok_or_else(|| AuthError::Roots("embedded certificate missing".to_owned()))?;
    if &c.sha256_fingerprint() != want {
        return Err(AuthError::Roots(
            "embedded certificate fingerprint mismatch".to_owned(),
        ));
    }
    Ok(c)
}

/// The embedded TPM roots, each checked against its pinned fingerprint.
pub fn builtin_roots() -> Result<Vec<Certificate>, AuthError> {
    let [(_, fp)] = &BUILTIN_ROOT_FINGERPRINTS;
    Ok(vec![load_pinned(AZURE_ROOT_2023_PEM, fp)?])
}

/// The embedded chain-building intermediates (Azure `Global Virtual TPM CA - 03`).
pub fn builtin_intermediates() -> Result<Vec<Certificate>, AuthError> {
    let [(_, fp)] = &BUILTIN_INTERMEDIATE_FINGERPRINTS;
    Ok(vec![load_pinned(AZURE_CA_03_PEM, fp)?])
}

/// Why a signature or chain was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The signature names SHA-1 and the policy does not allow it.
    #[error("SHA-1 quote signatures are not allowed by the appraisal policy")]
    Sha1NotAllowed,
    /// The signature names a hash this crate cannot compute.
    #[error("unsupported digest 0x{0:04x}")]
    UnsupportedDigest(u16),
    /// Scheme and key type disagree.
    #[error("{scheme} signature with a non-{want} attestation key ({key})")]
    SchemeKeyMismatch {
        /// The scheme name.
        scheme: &'static str,
        /// The key type the scheme needs.
        want: &'static str,
        /// The key type found.
        key: String,
    },
    /// An ECDSA integer is longer than the curve order.
    #[error(
        "ECDSA {which} is {len} bytes after stripping leading zeros, longer than the {field}-byte curve order"
    )]
    EcdsaIntegerTooLong {
        /// `r` or `s`.
        which: &'static str,
        /// Its significant length.
        len: usize,
        /// The field size.
        field: usize,
    },
    /// The signature does not verify under the AK.
    #[error("signature does not verify against the attestation key")]
    BadSignature,
    /// Some other verification error.
    #[error("verification error: {0}")]
    Verification(String),
    /// A certificate input could not be parsed.
    #[error("{what} is not parseable: {detail}")]
    Unparseable {
        /// Which input.
        what: &'static str,
        /// Why.
        detail: String,
    },
    /// The chain does not validate to a pinned CA.
    #[error("{what} does not reach a pinned TPM CA: {source}")]
    Chain {
        /// Which chain.
        what: &'static str,
        /// Why.
        source: ChainError,
    },
    /// The EK chain's leaf is not an end-entity EK certificate.
    #[error(
        "EK chain leaf is not an end-entity Endorsement Key certificate (needs TCG EK EKU 2.23.133.8.1 and not a CA)"
    )]
    NotEndEntityEk,
    /// The AK leaf lacks the TCG AK EKU and the policy requires it.
    #[error(
        "AK certificate lacks the TCG AK EKU 2.23.133.8.3, which the appraisal policy requires"
    )]
    MissingAkEku,
    /// An embedded root failed to load.
    #[error("embedded TPM root unusable: {0}")]
    Roots(String),
}

fn x_hash(h: HashAlg) -> cmcp_x509::HashAlg {
    match h {
        HashAlg::Sha1 => cmcp_x509::HashAlg::Sha1,
        HashAlg::Sha256 => cmcp_x509::HashAlg::Sha256,
        HashAlg::Sha384 => cmcp_x509::HashAlg::Sha384,
        HashAlg::Sha512 => cmcp_x509::HashAlg::Sha512,
    }
}

fn map_sig_err(e: cmcp_x509::X509Error) -> AuthError {
    match e {
        cmcp_x509::X509Error::BadSignature => AuthError::BadSignature,
        other => AuthError::Verification(other.to_string()),
    }
}

fn strip(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b.get(first..).unwrap_or(&[])
}

fn left_pad(which: &'static str, b: &[u8], field: usize) -> Result<Vec<u8>, AuthError> {
    let s = strip(b);
    if s.len() > field {
        return Err(AuthError::EcdsaIntegerTooLong {
            which,
            len: s.len(),
            field,
        });
    }
    let mut out = vec![0u8; field.saturating_sub(s.len())];
    out.extend_from_slice(s);
    Ok(out)
}

/// Verifies a `TPMT_SIGNATURE` over the inner `TPMS_ATTEST` with the AK's public key.
///
/// ```no_run
/// use cmcp_tpm::{authenticate::verify_signature, parse::{Attest, Signature}};
/// # let (attest_bytes, sig_bytes, key): (Vec<u8>, Vec<u8>, cmcp_x509::PublicKey) = todo!();
/// let attest = Attest::parse(&attest_bytes).unwrap();
/// let sig = Signature::parse(&sig_bytes).unwrap();
/// verify_signature(&attest, &sig, &key, false).unwrap();
/// ```
pub fn verify_signature(
    attest: &Attest,
    sig: &Signature,
    key: &PublicKey,
    allow_sha1: bool,
) -> Result<(), AuthError> {
    verify_signature_over(&attest.signed_bytes, sig, key, allow_sha1)
}

/// Verifies a `TPMT_SIGNATURE` over `message` (an inner `TPMS_ATTEST`).
pub fn verify_signature_over(
    message: &[u8],
    sig: &Signature,
    key: &PublicKey,
    allow_sha1: bool,
) -> Result<(), AuthError> {
    let hash = sig
        .hash_alg()
        .ok_or(AuthError::UnsupportedDigest(sig.hash))?;
    if hash == HashAlg::Sha1 && !allow_sha1 {
        return Err(AuthError::Sha1NotAllowed);
    }
    let h = x_hash(hash);
    match (sig.scheme, &sig.body, key) {
        (SigScheme::RsaSsa, SigBody::Rsa(s), PublicKey::Rsa(_)) => {
            key.verify_rsa_pkcs1v15(h, message, s).map_err(map_sig_err)
        }
        (SigScheme::RsaPss, SigBody::Rsa(s), PublicKey::Rsa(_)) => key
            .verify_rsa_pss(h, Some(hash.len()), message, s)
            .map_err(map_sig_err),
        (
            SigScheme::EcDsa,
            SigBody::Ecdsa { r, s },
            PublicKey::EcP256(_) | PublicKey::EcP384(_),
        ) => {
            let field = key
                .curve()
                .map_or(Curve::P256.field_len(), Curve::field_len);
            let r = left_pad("r", r, field)?;
            let s = left_pad("s", s, field)?;
            key.verify_ecdsa_prehash(&hash.digest(&[message]), &r, &s)
                .map_err(map_sig_err)
        }
        (scheme, _, key) => Err(AuthError::SchemeKeyMismatch {
            scheme: scheme.name(),
            want: if scheme == SigScheme::EcDsa {
                "EC"
            } else {
                "RSA"
            },
            key: key.kind(),
        }),
    }
}

/// Parses pinned CA inputs (each PEM bundle or DER) into certificates.
pub fn parse_roots(inputs: &[Vec<u8>]) -> Result<Vec<Certificate>, AuthError> {
    let mut out = Vec::new();
    for b in inputs {
        let certs = cmcp_x509::parse_certs(b).map_err(|e| AuthError::Unparseable {
            what: "pinned TPM CA",
            detail: e.to_string(),
        })?;
        out.extend(certs);
    }
    Ok(out)
}

/// Validates the AK chain (leaf-first PEM) to `roots` at `now`. When the
/// chain's last certificate was issued by an embedded Azure intermediate that
/// is not in the chain, the intermediate is appended as chain-building
/// material (it is not a trust anchor; the root must still be pinned).
pub fn verify_ak_chain(
    chain_pem: &[u8],
    roots: &[Certificate],
    now: Timestamp,
    allow_sha1: bool,
) -> Result<VerifiedChain, AuthError> {
    let mut chain = cmcp_x509::parse_pem_bundle(chain_pem).map_err(|e| AuthError::Unparseable {
        what: "AK certificate chain",
        detail: e.to_string(),
    })?;
    if let Some(last) = chain.last()
        && !roots.iter().any(|r| r.der() == last.der())
        && let Ok(inters) = builtin_intermediates()
        && let Some(i) = inters
            .into_iter()
            .find(|i| i.subject_der() == last.issuer_der() && i.der() != last.der())
    {
        chain.push(i);
    }
    let mut policy = ChainPolicy::at(now);
    policy.allow_sha1 = allow_sha1;
    cmcp_x509::verify_chain(&chain, roots, &policy).map_err(|source| AuthError::Chain {
        what: "AK certificate chain",
        source,
    })
}

/// True for an end-entity EK certificate: TCG EK EKU present and not a CA.
pub fn is_end_entity_ek(cert: &Certificate) -> bool {
    !cert.is_ca() && cert.extended_key_usage().iter().any(|o| o == TCG_EK_EKU)
}

/// Validates an EK chain (leaf-first PEM): the leaf must be an end-entity
/// EK certificate, then the chain must validate to `roots` at `now`.
pub fn verify_ek_chain(
    chain_pem: &[u8],
    roots: &[Certificate],
    now: Timestamp,
) -> Result<VerifiedChain, AuthError> {
    let chain = cmcp_x509::parse_pem_bundle(chain_pem).map_err(|e| AuthError::Unparseable {
        what: "EK certificate chain",
        detail: e.to_string(),
    })?;
    let leaf = chain.first().ok_or(AuthError::NotEndEntityEk)?;
    if !is_end_entity_ek(leaf) {
        return Err(AuthError::NotEndEntityEk);
    }
    cmcp_x509::verify_chain(&chain, roots, &ChainPolicy::at(now)).map_err(|source| {
        AuthError::Chain {
            what: "EK certificate chain",
            source,
        }
    })
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

    #[test]
    fn embedded_certs_match_fingerprints() {
        let r = builtin_roots().unwrap();
        assert_eq!(
            r[0].subject_common_name().as_deref(),
            Some("Azure Virtual TPM Root Certificate Authority 2023")
        );
        let i = builtin_intermediates().unwrap();
        assert_eq!(
            i[0].subject_common_name().as_deref(),
            Some("Global Virtual TPM CA - 03")
        );
        // CA - 03 carries the EK EKU but is a CA: not an EK.
        assert!(i[0].extended_key_usage().iter().any(|o| o == TCG_EK_EKU));
        assert!(i[0].is_ca());
        assert!(!is_end_entity_ek(&i[0]));
    }

    #[test]
    fn azure_intermediate_refused_as_ek() {
        let now = Timestamp::parse_rfc3339("2026-08-01T00:00:00Z").unwrap();
        let roots = builtin_roots().unwrap();
        let mut pem = AZURE_CA_03_PEM.to_vec();
        pem.extend_from_slice(AZURE_ROOT_2023_PEM);
        assert_eq!(
            verify_ek_chain(&pem, &roots, now).unwrap_err(),
            AuthError::NotEndEntityEk
        );
        // The same material is a valid CA chain (validity at `now`), so the refusal is the EK rule.
        let mut p = ChainPolicy::at(now);
        p.require_leaf_not_ca = false;
        let chain = cmcp_x509::parse_pem_bundle(&pem).unwrap();
        assert!(cmcp_x509::verify_chain(&chain, &roots, &p).is_ok());
    }

    #[test]
    fn ecdsa_integer_padding() {
        assert_eq!(left_pad("r", &[0, 0, 1], 4).unwrap(), vec![0, 0, 0, 1]);
        assert!(matches!(
            left_pad("s", &[1; 33], 32),
            Err(AuthError::EcdsaIntegerTooLong { len: 33, .. })
        ));
        assert_eq!(left_pad("r", &[0; 40], 32).unwrap(), vec![0; 32]);
    }
}
