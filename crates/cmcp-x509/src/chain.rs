//! Chain validation to pinned roots.

use cmcp_policy::Timestamp;

use crate::DEFAULT_MAX_CHAIN_LEN;
use crate::cert::Certificate;
use crate::crl::Crl;
use crate::error::X509Error;
use crate::key::PublicKey;

/// Critical extensions understood (or harmless) for chain validation.
const KNOWN_CRITICAL: [&str; 4] = ["2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.17"];

/// What [`verify_chain`] enforces beyond signatures and names.
#[derive(Clone, Debug)]
pub struct ChainPolicy {
    /// The validation time: every certificate (root included) must satisfy
    /// notBefore ≤ now ≤ notAfter.
    pub now: Timestamp,
    /// Cap on the validated chain length, root included (default 8).
    pub max_len: usize,
    /// Accept SHA-1 based signature algorithms (default false).
    pub allow_sha1: bool,
    /// Refuse a leaf with basicConstraints cA=true when the chain has more
    /// than one certificate (default true).
    pub require_leaf_not_ca: bool,
    /// CRLs checked against every non-root certificate: a CRL whose issuer
    /// name equals the certificate's issuer must be signed by that issuer and
    /// current at `now`, and must not list the certificate's serial.
    pub crls: Vec<Crl>,
    /// Require, for every non-root certificate, at least one CRL from its
    /// issuer in `crls` (default false).
    pub require_crls: bool,
    /// Refuse certificates carrying a critical extension other than
    /// basicConstraints, keyUsage, extKeyUsage and subjectAltName (RFC 5280
    /// §4.2). Default false: real AMD, Intel and TPM chains pass either way,
    /// but TPM EK certificates may carry other critical extensions.
    pub reject_unknown_critical: bool,
}

impl ChainPolicy {
    /// Defaults at validation time `now`.
    ///
    /// ```
    /// use cmcp_policy::Timestamp;
    /// let p = cmcp_x509::ChainPolicy::at(Timestamp::from_unix(0));
    /// assert_eq!(p.max_len, 8);
    /// assert!(!p.allow_sha1 && p.require_leaf_not_ca && p.crls.is_empty());
    /// ```
    pub fn at(now: Timestamp) -> ChainPolicy {
        ChainPolicy {
            now,
            max_len: DEFAULT_MAX_CHAIN_LEN,
            allow_sha1: false,
            require_leaf_not_ca: true,
            crls: Vec::new(),
            require_crls: false,
            reject_unknown_critical: false,
        }
    }
}

/// A successfully validated chain.
#[derive(Clone, Debug)]
pub struct VerifiedChain {
    /// Leaf first, pinned root last.
    pub certificates: Vec<Certificate>,
    /// SHA-256 of the pinned root's DER.
    pub root_fingerprint: [u8; 32],
    /// The leaf's public key.
    pub leaf_public_key: PublicKey,
    /// Whether the root came from the pinned set (true) or was already the
    /// last presented certificate (false).
    pub root_appended: bool,
}

impl VerifiedChain {
    /// The leaf certificate.
    pub fn leaf(&self) -> Option<&Certificate> {
        self.certificates.first()
    }
    /// The pinned root certificate.
    pub fn root(&self) -> Option<&Certificate> {
        self.certificates.last()
    }
}

/// Why a chain was refused. `depth` counts from the leaf (0) to the root.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// No certificates were presented.
    #[error("the certificate chain is empty")]
    Empty,
    /// No pinned roots were given.
    #[error("no pinned root certificates were configured")]
    NoPinnedRoots,
    /// A certificate could not be processed.
    #[error("certificate at depth {depth} is malformed: {detail}")]
    Malformed {
        /// Position.
        depth: usize,
        /// What is wrong.
        detail: String,
    },
    /// The chain is longer than the policy allows.
    #[error("the chain has {len} certificates, more than the limit of {max}")]
    TooLong {
        /// Length (root included when known).
        len: usize,
        /// Cap.
        max: usize,
    },
    /// The issuer name of the certificate at `depth` differs from the subject of the next one.
    #[error("issuer of the certificate at depth {depth} does not match the subject of its parent")]
    NameMismatch {
        /// Child position.
        depth: usize,
    },
    /// The signature of the certificate at `depth` does not verify under its parent's key.
    #[error("signature of the certificate at depth {depth} does not verify under its issuer's key")]
    BadSignature {
        /// Child position.
        depth: usize,
    },
    /// A signature algorithm or key type is not supported (or SHA-1 not allowed).
    #[error("certificate at depth {depth} uses an unsupported algorithm: {detail}")]
    UnsupportedAlgorithm {
        /// Position of the signed certificate.
        depth: usize,
        /// Which algorithm.
        detail: String,
    },
    /// A certificate used as an issuer is not a CA.
    #[error("certificate at depth {depth} signs others but is not a CA")]
    NotCa {
        /// Issuer position.
        depth: usize,
    },
    /// An issuer's keyUsage lacks keyCertSign.
    #[error("certificate at depth {depth} has keyUsage without keyCertSign")]
    MissingKeyCertSign {
        /// Issuer position.
        depth: usize,
    },
    /// An issuer's pathLenConstraint is exceeded.
    #[error("pathLenConstraint of the certificate at depth {depth} is exceeded")]
    PathLenExceeded {
        /// Issuer position.
        depth: usize,
    },
    /// The leaf is a CA certificate and the policy forbids it.
    #[error("the leaf certificate is a CA certificate")]
    LeafIsCa,
    /// A certificate expired before `now`.
    #[error("certificate at depth {depth} expired at {not_after}")]
    Expired {
        /// Position.
        depth: usize,
        /// Its notAfter.
        not_after: Timestamp,
    },
    /// A certificate is not valid yet at `now`.
    #[error("certificate at depth {depth} is not valid before {not_before}")]
    NotYetValid {
        /// Position.
        depth: usize,
        /// Its notBefore.
        not_before: Timestamp,
    },
    /// The chain does not end in, and is not issued by, a pinned root.
    #[error("the chain does not lead to a pinned root certificate")]
    UntrustedRoot,
    /// The pinned root is not self-issued or its self-signature does not verify.
    #[error("the pinned root is not a valid self-signed certificate")]
    RootNotSelfSigned,
    /// A certificate is listed in its issuer's CRL.
    #[error("certificate at depth {depth} (serial {serial}) is revoked")]
    Revoked {
        /// Position.
        depth: usize,
        /// Serial, lowercase hex.
        serial: String,
    },
    /// A CRL from the issuer of the certificate at `depth` fails its signature check.
    #[error(
        "a CRL for the certificate at depth {depth} is not validly signed by its issuer: {detail}"
    )]
    CrlBadSignature {
        /// Position of the certificate being checked.
        depth: usize,
        /// Why.
        detail: String,
    },
    /// A CRL for the certificate at `depth` is not current at `now`.
    #[error("the CRL for the certificate at depth {depth} is not current")]
    CrlNotCurrent {
        /// Position.
        depth: usize,
    },
    /// A critical extension this crate does not process (only with
    /// [`ChainPolicy::reject_unknown_critical`]).
    #[error("certificate at depth {depth} has an unrecognised critical extension {oid}")]
    UnknownCriticalExtension {
        /// Position.
        depth: usize,
        /// Dotted OID.
        oid: String,
    },
    /// No CRL for the certificate at `depth`, and the policy requires one.
    #[error("no CRL covers the certificate at depth {depth}")]
    CrlMissing {
        /// Position.
        depth: usize,
    },
}

impl ChainError {
    /// A stable short code for ledger reasons (`"untrusted_root"`, `"bad_signature"` …).
    pub fn code(&self) -> &'static str {
        match self {
            ChainError::Empty => "empty_chain",
            ChainError::NoPinnedRoots => "no_pinned_roots",
            ChainError::Malformed { .. } => "malformed",
            ChainError::TooLong { .. } => "too_long",
            ChainError::NameMismatch { .. } => "name_mismatch",
            ChainError::BadSignature { .. } => "bad_signature",
            ChainError::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            ChainError::NotCa { .. } => "not_ca",
            ChainError::MissingKeyCertSign { .. } => "missing_key_cert_sign",
            ChainError::PathLenExceeded { .. } => "path_len_exceeded",
            ChainError::LeafIsCa => "leaf_is_ca",
            ChainError::Expired { .. } => "expired",
            ChainError::NotYetValid { .. } => "not_yet_valid",
            ChainError::UntrustedRoot => "untrusted_root",
            ChainError::RootNotSelfSigned => "root_not_self_signed",
            ChainError::Revoked { .. } => "revoked",
            ChainError::CrlBadSignature { .. } => "crl_bad_signature",
            ChainError::CrlNotCurrent { .. } => "crl_not_current",
            ChainError::CrlMissing { .. } => "crl_missing",
            ChainError::UnknownCriticalExtension { .. } => "unknown_critical_extension",
        }
    }
}

fn sig_error(depth: usize, e: X509Error) -> ChainError {
    match e {
        X509Error::BadSignature
        | X509Error::MalformedSignature(_)
        | X509Error::KeyAlgorithmMismatch { .. } => ChainError::BadSignature { depth },
        X509Error::UnsupportedAlgorithm(detail) => {
            ChainError::UnsupportedAlgorithm { depth, detail }
        }
        // The issuer's key: one step up a short path, so exact.
        X509Error::BadKey(detail) => ChainError::UnsupportedAlgorithm {
            depth: depth.saturating_add(1),
            detail,
        },
        other => ChainError::Malformed {
            depth,
            detail: other.to_string(),
        },
    }
}

/// Verifies `child` (at `depth`) against `parent`'s key, honouring `allow_sha1`.
fn check_signature(
    child: &Certificate,
    parent: &Certificate,
    depth: usize,
    allow_sha1: bool,
) -> Result<(), ChainError> {
    let alg = child
        .signature_algorithm()
        .map_err(|e| sig_error(depth, e))?;
    if alg.uses_sha1() && !allow_sha1 {
        return Err(ChainError::UnsupportedAlgorithm {
            depth,
            detail: format!("{} is not allowed", alg.name()),
        });
    }
    let key = parent.public_key().map_err(|e| sig_error(depth, e))?;
    let sig = child.signature_bytes().map_err(|e| sig_error(depth, e))?;
    key.verify(alg, child.tbs_der(), sig)
        .map_err(|e| sig_error(depth, e))
}

/// Validates a leaf-first chain to one of `pinned_roots`.
///
/// * If the last presented certificate is byte-identical to a pinned root it
///   is the root (not appended again). Otherwise a pinned root whose subject
///   equals the last certificate's issuer and whose key verifies its
///   signature is appended; with no name match the result is
///   [`ChainError::UntrustedRoot`] (with a name match but no verifying root,
///   [`ChainError::BadSignature`]).
/// * Each link: issuer name (DER) == parent subject (DER), signature under the
///   parent key with the child's declared algorithm, parent cA=true, parent
///   keyUsage (if present) has keyCertSign, parent pathLenConstraint ≥ the
///   number of intermediates below it.
/// * Every certificate, root included, is valid at `policy.now`; the root is
///   self-issued and its self-signature verifies; length ≤ `policy.max_len`.
/// * CRLs in the policy are applied to every non-root certificate.
///
/// Order of checks (the first failure is returned): empty input, no pins,
/// presented length, root resolution, total length; then for each
/// certificate from the leaf up: validity at `now`, unknown critical
/// extensions (if enabled), leaf-is-CA (leaf only), issuer name, parent cA,
/// parent keyCertSign, parent pathLen, signature, CRLs; finally the root's
/// self-issued name and self-signature.
///
/// ```no_run
/// use cmcp_x509::{parse_pem_bundle, verify_chain, ChainPolicy};
/// use cmcp_policy::Timestamp;
/// let chain = parse_pem_bundle(&std::fs::read("chain.pem").unwrap()).unwrap();
/// let roots = parse_pem_bundle(&std::fs::read("root.pem").unwrap()).unwrap();
/// let now = Timestamp::parse_rfc3339("2026-08-01T00:00:00Z").unwrap();
/// let v = verify_chain(&chain, &roots, &ChainPolicy::at(now)).unwrap();
/// println!("root sha256 {:x?}", v.root_fingerprint);
/// ```
pub fn verify_chain(
    chain_leaf_first: &[Certificate],
    pinned_roots: &[Certificate],
    policy: &ChainPolicy,
) -> Result<VerifiedChain, ChainError> {
    let last = chain_leaf_first.last().ok_or(ChainError::Empty)?;
    if pinned_roots.is_empty() {
        return Err(ChainError::NoPinnedRoots);
    }
    if chain_leaf_first.len() > policy.max_len {
        return Err(ChainError::TooLong {
            len: chain_leaf_first.len(),
            max: policy.max_len,
        });
    }
    let mut path: Vec<Certificate> = chain_leaf_first.to_vec();
    let root_appended = if pinned_roots.iter().any(|r| r.der() == last.der()) {
        false
    } else {
        // The chain is not empty (it has a `last`).
        let last_depth = path.len().saturating_sub(1);
        let candidates: Vec<&Certificate> = pinned_roots
            .iter()
            .filter(|r| r.subject_der() == last.issuer_der())
            .collect();
        if candidates.is_empty() {
            return Err(ChainError::UntrustedRoot);
        }
        let mut found = None;
        let mut first_err = None;
        for r in candidates {
            match check_signature(last, r, last_depth, policy.allow_sha1) {
                Ok(()) => {
                    found = Some(r.clone());
                    break;
                }
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match found {
            Some(r) => path.push(r),
            None => return Err(first_err.unwrap_or(ChainError::UntrustedRoot)),
        }
        true
    };
    if path.len() > policy.max_len {
        return Err(ChainError::TooLong {
            len: path.len(),
            max: policy.max_len,
        });
    }
    let n = path.len();
    for (depth, cert) in path.iter().enumerate() {
        if policy.now < cert.not_before() {
            return Err(ChainError::NotYetValid {
                depth,
                not_before: cert.not_before(),
            });
        }
        if policy.now > cert.not_after() {
            return Err(ChainError::Expired {
                depth,
                not_after: cert.not_after(),
            });
        }
        if policy.reject_unknown_critical
            && let Some(e) = cert
                .extensions()
                .into_iter()
                .find(|e| e.critical && !KNOWN_CRITICAL.iter().any(|k| e.oid.to_string() == *k))
        {
            return Err(ChainError::UnknownCriticalExtension {
                depth,
                oid: e.oid.to_string(),
            });
        }
        // `depth < n`: exact.
        let parent_depth = depth.saturating_add(1);
        let Some(parent) = path.get(parent_depth) else {
            break;
        };
        if depth == 0 && policy.require_leaf_not_ca && cert.is_ca() {
            return Err(ChainError::LeafIsCa);
        }
        if cert.issuer_der() != parent.subject_der() {
            return Err(ChainError::NameMismatch { depth });
        }
        if !parent.is_ca() {
            return Err(ChainError::NotCa {
                depth: parent_depth,
            });
        }
        if parent.key_usage().is_some_and(|k| !k.key_cert_sign) {
            return Err(ChainError::MissingKeyCertSign {
                depth: parent_depth,
            });
        }
        // Intermediates strictly between the leaf and `parent`: depths 1..=depth.
        if let Some(limit) = parent.path_len_constraint()
            && depth > usize::from(limit)
        {
            return Err(ChainError::PathLenExceeded {
                depth: parent_depth,
            });
        }
        check_signature(cert, parent, depth, policy.allow_sha1)?;
        check_crls(cert, parent, depth, policy)?;
    }
    let root_depth = n.checked_sub(1).ok_or(ChainError::Empty)?;
    let root = path.get(root_depth).ok_or(ChainError::Empty)?;
    if !root.is_self_issued() {
        return Err(ChainError::RootNotSelfSigned);
    }
    check_signature(root, root, root_depth, policy.allow_sha1).map_err(|e| match e {
        ChainError::BadSignature { .. } => ChainError::RootNotSelfSigned,
        other => other,
    })?;
    let leaf = path.first().ok_or(ChainError::Empty)?;
    let leaf_public_key = leaf.public_key().map_err(|e| ChainError::Malformed {
        depth: 0,
        detail: e.to_string(),
    })?;
    Ok(VerifiedChain {
        root_fingerprint: root.sha256_fingerprint(),
        leaf_public_key,
        root_appended,
        certificates: path,
    })
}

fn check_crls(
    cert: &Certificate,
    issuer: &Certificate,
    depth: usize,
    policy: &ChainPolicy,
) -> Result<(), ChainError> {
    let mut any = false;
    for crl in policy
        .crls
        .iter()
        .filter(|c| c.issuer_der() == issuer.subject_der())
    {
        any = true;
        crl.verify_signed_by(issuer)
            .map_err(|e| ChainError::CrlBadSignature {
                depth,
                detail: e.to_string(),
            })?;
        if !crl.is_current_at(policy.now) {
            return Err(ChainError::CrlNotCurrent { depth });
        }
        if crl.is_revoked_cert(cert) {
            return Err(ChainError::Revoked {
                depth,
                serial: cert.serial_hex(),
            });
        }
    }
    if policy.require_crls && !any {
        return Err(ChainError::CrlMissing { depth });
    }
    Ok(())
}
