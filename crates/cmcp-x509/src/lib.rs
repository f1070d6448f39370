//! X.509 certificate parsing and chain validation to pinned roots, offline,
//! for the attestation crates (`cmcp-sev-snp`, `cmcp-tdx`, `cmcp-tpm`).
//!
//! * [`Certificate`] — a parsed certificate that keeps its original DER.
//! * [`parse_pem_bundle`] / [`parse_certs`] — PEM bundles or single DER.
//! * [`PublicKey`] — RSA, ECDSA P-256 and P-384 verification, including raw
//!   big-endian `r‖s` ECDSA signatures and RSA PKCS#1 v1.5 / PSS with SHA-1/2.
//! * [`SigAlg`] — the signature algorithms understood in certificates,
//!   including RSASSA-PSS with its decoded parameters.
//! * [`verify_chain`] — leaf-first chain validation to pinned roots (exact DER
//!   pinning), with optional [`Crl`] revocation checks.
//!
//! Nothing here does I/O. All inputs are size-capped and malformed input
//! yields an error, never a panic.

mod alg;
mod cert;
mod chain;
mod crl;
mod error;
mod key;
mod pem;

pub use alg::{HashAlg, SigAlg};
pub use cert::{Certificate, ExtensionRef, KeyUsage};
pub use chain::{ChainError, ChainPolicy, VerifiedChain, verify_chain};
pub use crl::Crl;
pub use error::X509Error;
pub use key::{Curve, EcPublicKey, PublicKey, RsaPublicKey};
pub use pem::{parse_certs, parse_pem_bundle, pem_blocks};

/// Largest accepted DER certificate (64 KiB).
pub const MAX_CERT_DER: usize = 64 * 1024;
/// Largest accepted PEM bundle or certificate list input (1 MiB).
pub const MAX_BUNDLE_BYTES: usize = 1024 * 1024;
/// Most certificates accepted in one bundle.
pub const MAX_BUNDLE_CERTS: usize = 16;
/// Largest accepted CRL, DER or PEM (4 MiB).
pub const MAX_CRL_BYTES: usize = 4 * 1024 * 1024;
/// Default cap on the length of a validated chain, root included.
pub const DEFAULT_MAX_CHAIN_LEN: usize = 8;

/// Well-known OIDs, as dotted strings, that the attestation crates use with
/// [`Certificate::extension_value`].
pub mod oids {
    /// AMD VCEK/VLEK extension: boot loader SVN (`1.3.6.1.4.1.3704.1.3.1`).
    pub const AMD_BL_SPL: &str = "1.3.6.1.4.1.3704.1.3.1";
    /// AMD VCEK/VLEK extension: TEE SVN (`1.3.6.1.4.1.3704.1.3.2`).
    pub const AMD_TEE_SPL: &str = "1.3.6.1.4.1.3704.1.3.2";
    /// AMD VCEK/VLEK extension: SNP firmware SVN (`1.3.6.1.4.1.3704.1.3.3`).
    pub const AMD_SNP_SPL: &str = "1.3.6.1.4.1.3704.1.3.3";
    /// AMD VCEK/VLEK extension: microcode SVN (`1.3.6.1.4.1.3704.1.3.8`).
    pub const AMD_UCODE_SPL: &str = "1.3.6.1.4.1.3704.1.3.8";
    /// AMD VCEK/VLEK extension: FMC SVN, Turin and later (`1.3.6.1.4.1.3704.1.3.9`).
    pub const AMD_FMC_SPL: &str = "1.3.6.1.4.1.3704.1.3.9";
    /// AMD VCEK extension: chip hardware ID (`1.3.6.1.4.1.3704.1.4`).
    pub const AMD_HWID: &str = "1.3.6.1.4.1.3704.1.4";
    /// AMD VCEK/VLEK extension: product name (`1.3.6.1.4.1.3704.1.2`).
    pub const AMD_PRODUCT_NAME: &str = "1.3.6.1.4.1.3704.1.2";
    /// AMD VLEK extension: CSP ID (`1.3.6.1.4.1.3704.1.5`).
    pub const AMD_CSP_ID: &str = "1.3.6.1.4.1.3704.1.5";
    /// Intel SGX/TDX PCK certificate extension (`1.2.840.113741.1.13.1`).
    pub const INTEL_SGX_EXTENSIONS: &str = "1.2.840.113741.1.13.1";
    /// TCG EK certificate EKU (`2.23.133.8.1`).
    pub const TCG_KP_EK_CERTIFICATE: &str = "2.23.133.8.1";
    /// TCG AIK/AK certificate EKU (`2.23.133.8.3`).
    pub const TCG_KP_AIK_CERTIFICATE: &str = "2.23.133.8.3";
}
