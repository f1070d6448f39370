//! Parsing and verification errors.

/// Why a certificate, key, signature or CRL was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum X509Error {
    /// The input exceeds a size cap.
    #[error("{what} is {len} bytes, more than the {max}-byte limit")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// The DER structure could not be decoded.
    #[error("malformed DER: {0}")]
    Der(String),
    /// The PEM text could not be decoded.
    #[error("malformed PEM: {0}")]
    Pem(String),
    /// No certificate (or CRL) was found in the input.
    #[error("no {0} found in the input")]
    NotFound(&'static str),
    /// More certificates than allowed in one bundle.
    #[error("more than {max} certificates in one bundle")]
    TooManyCertificates {
        /// The cap.
        max: usize,
    },
    /// The certificate is structurally invalid beyond plain DER decoding.
    #[error("invalid certificate: {0}")]
    Invalid(String),
    /// A known extension is duplicated or its value does not decode.
    #[error("bad extension {oid}: {reason}")]
    Extension {
        /// Dotted OID.
        oid: String,
        /// What is wrong.
        reason: String,
    },
    /// A signature or hash algorithm that this crate does not implement.
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// A public key of an unsupported type or curve, or an invalid key.
    #[error("unsupported or invalid public key: {0}")]
    BadKey(String),
    /// The signature algorithm does not fit the key type (e.g. RSA with an EC key).
    #[error("signature algorithm {alg} cannot be used with a {key} key")]
    KeyAlgorithmMismatch {
        /// Algorithm name.
        alg: String,
        /// Key kind.
        key: &'static str,
    },
    /// The signature bytes are not a well-formed signature for the algorithm.
    #[error("malformed signature: {0}")]
    MalformedSignature(String),
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
}

impl X509Error {
    pub(crate) fn der(e: impl std::fmt::Display) -> Self {
        X509Error::Der(e.to_string())
    }
}
