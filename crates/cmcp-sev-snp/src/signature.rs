//! The report signature: ECDSA P-384 / SHA-384 over the raw signed body.

use crate::parse::{AttestationReport, SigningKey};

/// Why the report signature was refused. The `Display` text goes into
/// `details.report_signature`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// SIGNATURE_ALGO is not 1.
    #[error("unsupported sig_algo {0} (expected ECDSA-P384/SHA-384)")]
    UnsupportedAlgo(u32),
    /// KEY_INFO says no key signed the report, or MASK_CHIP_KEY is set.
    #[error("report is not signed (KEY_INFO=0x{0:x})")]
    NotSigned(u32),
    /// The R/S padding or the 368-byte signature tail is not zero.
    #[error("signature padding or reserved tail is not zero")]
    NonZeroPadding,
    /// The signing key is not an EC P-384 key.
    #[error("VCEK public key is not EC P-384")]
    BadKey,
    /// R or S is zero or not below the group order.
    #[error("signature scalars out of range")]
    BadScalars,
    /// ECDSA verification failed.
    #[error("SNP report signature does not verify against the VCEK")]
    Invalid,
}

/// Verifies the report signature with a SEC1-encoded P-384 public key (the
/// VCEK/VLEK SubjectPublicKeyInfo key bits).
///
/// The message is `report[0x000..0x2A0]` exactly as received, hashed once
/// with SHA-384. SIGNATURE_ALGO must be 1; R and S are 72-byte little-endian
/// fields whose bytes 48–71 must be zero, and the 368-byte tail must be zero.
/// High-S signatures are accepted (AMD does not document low-S).
///
/// ```
/// use cmcp_sev_snp::{parse::AttestationReport, signature::*};
/// let mut b = vec![0u8; 1184];
/// b[0] = 2;
/// b[0x34] = 2; // SIGNATURE_ALGO 2
/// let r = AttestationReport::parse(&b).unwrap();
/// assert_eq!(verify_report_signature(&r, &[4u8; 97]), Err(SignatureError::UnsupportedAlgo(2)));
/// ```
pub fn verify_report_signature(
    report: &AttestationReport,
    sec1_key: &[u8],
) -> Result<(), SignatureError> {
    use p384::ecdsa::signature::Verifier as _;
    if report.signature_algo != 1 {
        return Err(SignatureError::UnsupportedAlgo(report.signature_algo));
    }
    if report.key_info.mask_chip_key() || report.key_info.signing_key() == SigningKey::None {
        return Err(SignatureError::NotSigned(report.key_info.0));
    }
    if !report.signature.padding_is_zero() {
        return Err(SignatureError::NonZeroPadding);
    }
    let key =
        p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1_key).map_err(|_| SignatureError::BadKey)?;
    let sig =
        p384::ecdsa::Signature::from_scalars(report.signature.r_be(), report.signature.s_be())
            .map_err(|_| SignatureError::BadScalars)?;
    key.verify(report.signed_bytes(), &sig)
        .map_err(|_| SignatureError::Invalid)
}
