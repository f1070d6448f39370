//! Authentication: VCEK/VLEK → ASK/ASVK → pinned ARK, the VCEK's AMD
//! extensions against the report, and the report signature.

use crate::builtin::BUILTIN_ARKS;
use crate::parse::{AttestationReport, Generation, SigningKey, TcbLayout};
use crate::signature::{SignatureError, verify_report_signature};
use cmcp_json::encoding::{ct_eq, hex_encode};
use cmcp_policy::{Timestamp, TrustInputs};
use cmcp_x509::{Certificate, ChainPolicy, Crl, HashAlg, PublicKey, SigAlg, oids};

/// Why authentication failed. Each variant maps to a reference failure
/// name via [`AuthError::reason`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The bundle or a trusted ARK could not be parsed or split.
    #[error("could not parse cert chain / trusted ARK: {0}")]
    Malformed(String),
    /// The chain does not validate to a pinned ARK.
    #[error("{0}")]
    Chain(String),
    /// The VCEK/VLEK extensions disagree with the report.
    #[error("{0}")]
    Extension(String),
    /// The report signature does not verify.
    #[error("{0}")]
    Signature(#[from] SignatureError),
}

impl AuthError {
    /// The failure name recorded in `details.sev_snp_failure`.
    pub fn reason(&self) -> &'static str {
        match self {
            AuthError::Malformed(_) => "cert_chain_malformed",
            AuthError::Chain(_) => "vcek_chain_invalid",
            AuthError::Extension(_) => "vcek_extension_mismatch",
            AuthError::Signature(_) => "report_signature_invalid",
        }
    }
}

/// The bundle split by shape (spec §4.3): first EC-keyed certificate is the
/// leaf, first self-issued RSA certificate the ARK, first other RSA
/// certificate the ASK/ASVK. Order in the bundle does not matter.
#[derive(Clone, Debug)]
pub struct SplitChain {
    /// VCEK or VLEK.
    pub leaf: Certificate,
    /// ASK or ASVK.
    pub intermediate: Certificate,
    /// The bundle's ARK, if it carries one.
    pub ark: Option<Certificate>,
}

/// Parses a PEM (or DER) bundle and splits it by shape.
///
/// ```
/// use cmcp_sev_snp::authenticate::split_bundle;
/// assert!(split_bundle(b"not a pem").is_err());
/// ```
pub fn split_bundle(bundle: &[u8]) -> Result<SplitChain, AuthError> {
    let certs = cmcp_x509::parse_certs(bundle).map_err(|e| AuthError::Malformed(e.to_string()))?;
    let mut leaf = None;
    let mut ark = None;
    let mut inter = None;
    for c in &certs {
        match c.public_key() {
            Ok(PublicKey::EcP256(_) | PublicKey::EcP384(_)) => {
                if leaf.is_none() {
                    leaf = Some(c.clone());
                }
            }
            Ok(PublicKey::Rsa(_)) => {
                if c.is_self_issued() && ark.is_none() {
                    ark = Some(c.clone());
                }
            }
            Err(_) => {}
        }
    }
    for c in &certs {
        if matches!(c.public_key(), Ok(PublicKey::Rsa(_)))
            && ark.as_ref().is_none_or(|a| a.der() != c.der())
            && !c.is_self_issued()
        {
            inter = Some(c.clone());
            break;
        }
    }
    match (leaf, inter) {
        (Some(leaf), Some(intermediate)) => Ok(SplitChain {
            leaf,
            intermediate,
            ark,
        }),
        _ => Err(AuthError::Malformed(
            "bundle must contain a VCEK/VLEK (EC) and an ASK/ASVK (RSA), optionally the ARK"
                .to_owned(),
        )),
    }
}

/// The ARKs the relying party pinned: the first certificate of each
/// `TrustInputs::amd_ark` entry (PEM or DER), plus the embedded AMD ARKs when
/// `builtin_roots` is set.
///
/// ```
/// use cmcp_policy::TrustInputs;
/// let t = TrustInputs { builtin_roots: true, ..Default::default() };
/// let roots = cmcp_sev_snp::authenticate::pinned_arks(&t).unwrap();
/// assert_eq!(roots.len(), 3);
/// assert!(cmcp_sev_snp::authenticate::pinned_arks(&TrustInputs::default()).unwrap().is_empty());
/// ```
pub fn pinned_arks(trust: &TrustInputs) -> Result<Vec<Certificate>, AuthError> {
    let mut out = Vec::new();
    for entry in &trust.amd_ark {
        let certs = cmcp_x509::parse_certs(entry)
            .map_err(|e| AuthError::Malformed(format!("trusted ARK: {e}")))?;
        let first = certs
            .into_iter()
            .next()
            .ok_or_else(|| AuthError::Malformed("trusted ARK: no certificate".to_owned()))?;
        out.push(first);
    }
    if trust.builtin_roots {
        for b in BUILTIN_ARKS {
            let certs = cmcp_x509::parse_certs(b.pem.as_bytes())
                .map_err(|e| AuthError::Malformed(format!("builtin ARK {}: {e}", b.product)))?;
            if let Some(c) = certs.into_iter().next()
                && hex_encode(&c.sha256_fingerprint()) == b.sha256
            {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// What authentication established.
#[derive(Clone, Debug)]
pub struct Authenticated {
    /// SHA-256 of the pinned ARK's DER.
    pub ark_sha256: [u8; 32],
    /// The product line established for the report.
    pub generation: Option<Generation>,
    /// The TCB layout used to compare and appraise TCBs.
    pub tcb_layout: TcbLayout,
    /// Whether the leaf is a VLEK.
    pub vlek: bool,
}

/// Options for [`authenticate`].
#[derive(Clone, Debug)]
pub struct AuthOptions<'a> {
    /// Validation time.
    pub now: Timestamp,
    /// Offline CRLs (DER or PEM) applied to the ASK and the VCEK.
    pub crls: &'a [Vec<u8>],
    /// Require AMD's RSASSA-PSS / SHA-384 / MGF1-SHA-384 / salt-48 on every link.
    pub require_amd_pss: bool,
}

fn product_of_cn(cn: &str) -> Option<Generation> {
    // "SEV-Milan", "SEV-VLEK-Milan", "ARK-Milan"
    cn.rsplit('-')
        .next()
        .and_then(Generation::from_product_name)
}

/// Parses a small DER INTEGER (0..=255) as the AMD SPL extensions carry it.
fn der_u8(v: &[u8]) -> Option<u8> {
    match v {
        [0x02, 0x01, b] if *b < 0x80 => Some(*b),
        [0x02, 0x02, 0x00, b] if *b >= 0x80 => Some(*b),
        _ => None,
    }
}

/// Parses an IA5String/UTF8String/PrintableString of < 128 bytes.
fn der_string(v: &[u8]) -> Option<String> {
    match v {
        [tag, len, rest @ ..]
            if matches!(tag, 0x16 | 0x0C | 0x13) && usize::from(*len) == rest.len() =>
        {
            String::from_utf8(rest.to_vec()).ok()
        }
        _ => None,
    }
}

fn is_amd_pss(alg: &SigAlg) -> bool {
    matches!(
        alg,
        SigAlg::RsaPss {
            hash: HashAlg::Sha384,
            salt_len: 48
        }
    )
}

/// Checks the leaf's AMD extensions against the report: productName (or the
/// issuer CN) against CPUID (v3+), the SPLs (bl/tee/snp/ucode, plus fmc on
/// Turin-layout TCBs) against REPORTED_TCB, and, for a VCEK, hwID against
/// CHIP_ID (64 bytes, or the first 8 on Turin with the rest zero). Returns
/// the product line and the TCB layout it implies. [`authenticate`] calls
/// this after the signature verifies.
///
/// ```no_run
/// use cmcp_sev_snp::{authenticate::check_vcek_extensions, parse::AttestationReport};
/// let report = AttestationReport::parse(&std::fs::read("report.bin").unwrap()).unwrap();
/// let vcek = cmcp_x509::Certificate::from_der(&std::fs::read("vcek.der").unwrap()).unwrap();
/// let (generation, layout) = check_vcek_extensions(&report, &vcek, false).unwrap();
/// ```
pub fn check_vcek_extensions(
    report: &AttestationReport,
    leaf: &Certificate,
    vlek: bool,
) -> Result<(Option<Generation>, TcbLayout), AuthError> {
    let product_ext = leaf.extension_value(oids::AMD_PRODUCT_NAME);
    let from_product = match product_ext {
        Some(v) => {
            let name = der_string(v).ok_or_else(|| {
                AuthError::Extension("VCEK productName extension is malformed".to_owned())
            })?;
            Some(Generation::from_product_name(&name).ok_or_else(|| {
                AuthError::Extension(format!("VCEK productName {name:?} is not a known product"))
            })?)
        }
        None => None,
    };
    let from_issuer = leaf
        .issuer_common_name_guess()
        .and_then(|cn| product_of_cn(&cn));
    let from_cpuid = report.generation_from_cpuid();
    let cert_gen = from_product.or(from_issuer);
    if let (Some(c), Some(r)) = (cert_gen, from_cpuid)
        && c != r
    {
        return Err(AuthError::Extension(format!(
            "VCEK is for {c} but the report's CPUID says {r}"
        )));
    }
    let generation = cert_gen.or(from_cpuid);
    let layout = generation.map_or_else(|| report.tcb_layout_heuristic(), Generation::tcb_layout);
    let tcb = report.reported_tcb.decode(layout);
    let spl = |oid: &str, name: &str| -> Result<Option<u8>, AuthError> {
        match leaf.extension_value(oid) {
            None => Ok(None),
            Some(v) => der_u8(v)
                .map(Some)
                .ok_or_else(|| AuthError::Extension(format!("VCEK {name} extension is malformed"))),
        }
    };
    let mut comps = vec![
        ("blSPL", oids::AMD_BL_SPL, Some(tcb.bootloader)),
        ("teeSPL", oids::AMD_TEE_SPL, Some(tcb.tee)),
        ("snpSPL", oids::AMD_SNP_SPL, Some(tcb.snp)),
        ("ucodeSPL", oids::AMD_UCODE_SPL, Some(tcb.microcode)),
    ];
    if layout == TcbLayout::Turin {
        comps.push(("fmcSPL", oids::AMD_FMC_SPL, tcb.fmc));
    }
    for (name, oid, want) in comps {
        match (spl(oid, name)?, want) {
            (Some(got), Some(want)) if got == want => {}
            (Some(got), Some(want)) => {
                return Err(AuthError::Extension(format!(
                    "VCEK {name} {got} differs from REPORTED_TCB ({want}; REPORTED_TCB={})",
                    report.reported_tcb
                )));
            }
            (None, _) if !vlek => {
                return Err(AuthError::Extension(format!(
                    "VCEK has no {name} extension"
                )));
            }
            _ => {}
        }
    }
    if !vlek {
        let hwid = leaf
            .extension_value(oids::AMD_HWID)
            .ok_or_else(|| AuthError::Extension("VCEK has no hwID extension".to_owned()))?;
        let ok = match hwid.len() {
            64 => ct_eq(hwid, &report.chip_id),
            8 if layout == TcbLayout::Turin => {
                ct_eq(hwid, report.chip_id.get(..8).unwrap_or(&[]))
                    && report
                        .chip_id
                        .get(8..)
                        .unwrap_or(&[])
                        .iter()
                        .all(|b| *b == 0)
            }
            _ => false,
        };
        if !ok {
            return Err(AuthError::Extension(format!(
                "VCEK hwID {} does not match the report's CHIP_ID",
                hex_encode(hwid)
            )));
        }
    }
    Ok((generation, layout))
}

trait IssuerCn {
    fn issuer_common_name_guess(&self) -> Option<String>;
}

impl IssuerCn for Certificate {
    /// The issuer's CN, read from the issuer string form (`…CN=SEV-Milan…`).
    fn issuer_common_name_guess(&self) -> Option<String> {
        let issuer = self.issuer();
        issuer
            .split([',', '+'])
            .filter_map(|p| p.trim().strip_prefix("CN="))
            .next()
            .map(str::to_owned)
    }
}

/// Authenticates a parsed report: splits `bundle` (leaf-first or any order),
/// validates leaf → ASK/ASVK → ARK at `opts.now` against `pinned` (CA,
/// keyUsage, pathLen, names, each child's declared signature algorithm,
/// validity, CRLs), ties the product line to the ARK, checks the leaf's AMD
/// extensions against the report, KEY_INFO.SIGNING_KEY against the leaf
/// type, and finally the report signature over the raw bytes.
///
/// ```no_run
/// use cmcp_sev_snp::{authenticate::*, parse::AttestationReport};
/// use cmcp_policy::{Timestamp, TrustInputs};
/// let report = AttestationReport::parse(&std::fs::read("report.bin").unwrap()).unwrap();
/// let bundle = std::fs::read("vcek_ask_ark.pem").unwrap();
/// let trust = TrustInputs { builtin_roots: true, ..Default::default() };
/// let roots = pinned_arks(&trust).unwrap();
/// let opts = AuthOptions { now: Timestamp::parse_rfc3339("2026-08-01T00:00:00Z").unwrap(), crls: &[], require_amd_pss: false };
/// let ok = authenticate(&report, &bundle, &roots, &opts).unwrap();
/// println!("{:?}", ok.generation);
/// ```
pub fn authenticate(
    report: &AttestationReport,
    bundle: &[u8],
    pinned: &[Certificate],
    opts: &AuthOptions<'_>,
) -> Result<Authenticated, AuthError> {
    let split = split_bundle(bundle)?;
    let mut chain = vec![split.leaf.clone(), split.intermediate.clone()];
    if let Some(a) = &split.ark {
        chain.push(a.clone());
    }
    let mut policy = ChainPolicy::at(opts.now);
    policy.max_len = 3;
    for c in opts.crls {
        policy
            .crls
            .push(Crl::parse(c).map_err(|e| AuthError::Malformed(format!("CRL: {e}")))?);
    }
    let verified = cmcp_x509::verify_chain(&chain, pinned, &policy)
        .map_err(|e| AuthError::Chain(e.to_string()))?;
    // Every CRL given must come from a CA it can be checked against: a CA of
    // this chain (the chain check has applied those) or another pinned ARK
    // (a CRL for another product line). One from anyone else, such as a CRL
    // whose issuer name was altered, would otherwise be skipped silently.
    for crl in &policy.crls {
        let of_chain = verified
            .certificates
            .iter()
            .skip(1)
            .any(|c| c.subject_der() == crl.issuer_der());
        if of_chain {
            continue;
        }
        match pinned.iter().find(|c| c.subject_der() == crl.issuer_der()) {
            Some(ark) => crl
                .verify_signed_by(ark)
                .map_err(|e| AuthError::Chain(format!("CRL from a pinned ARK: {e}")))?,
            None => {
                return Err(AuthError::Chain(
                    "a CRL given is issued by no CA of this chain and by no pinned ARK".into(),
                ));
            }
        }
    }
    if opts.require_amd_pss {
        for (i, c) in verified.certificates.iter().enumerate() {
            let alg = c
                .signature_algorithm()
                .map_err(|e| AuthError::Chain(e.to_string()))?;
            if !is_amd_pss(&alg) {
                return Err(AuthError::Chain(format!(
                    "certificate at depth {i} is signed with {} (require_amd_pss wants RSASSA-PSS SHA-384 salt 48)",
                    alg.name()
                )));
            }
        }
    }
    let key = match &verified.leaf_public_key {
        PublicKey::EcP384(k) => k.sec1_uncompressed().to_vec(),
        _ => return Err(AuthError::Signature(SignatureError::BadKey)),
    };
    verify_report_signature(report, &key)?;
    let leaf = &split.leaf;
    let leaf_cn = leaf.subject_common_name().unwrap_or_default();
    let vlek = leaf_cn == "SEV-VLEK" || leaf.extension_value(oids::AMD_CSP_ID).is_some();
    match (report.key_info.signing_key(), vlek) {
        (SigningKey::Vcek, false) | (SigningKey::Vlek, true) => {}
        (k, _) => {
            return Err(AuthError::Extension(format!(
                "KEY_INFO signing key {k:?} does not match the leaf certificate ({})",
                if vlek { "VLEK" } else { "VCEK" }
            )));
        }
    }
    let (generation, tcb_layout) = check_vcek_extensions(report, leaf, vlek)?;
    if let (Some(g), Some(root)) = (generation, verified.root())
        && let Some(ark_gen) = root
            .subject_common_name()
            .as_deref()
            .and_then(product_of_cn)
        && ark_gen != g
    {
        return Err(AuthError::Chain(format!(
            "the report is from {g} but the chain ends in ARK-{ark_gen}"
        )));
    }
    Ok(Authenticated {
        ark_sha256: verified.root_fingerprint,
        generation,
        tcb_layout,
        vlek,
    })
}
