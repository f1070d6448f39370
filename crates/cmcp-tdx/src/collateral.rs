//! Offline DCAP collateral: TCB info, QE identity, PCK CRL and root CA CRL,
//! with their issuer chains, in the JSON shape dcap-qvl writes
//! (`QuoteCollateralV3`: every byte field a hex string, the TCB info and QE
//! identity as the exact JSON text Intel signed).
//!
//! ```json
//! { "pck_crl_issuer_chain": "<PEM>", "root_ca_crl": "<hex DER>", "pck_crl": "<hex DER>",
//!   "tcb_info_issuer_chain": "<PEM>", "tcb_info": "<JSON text>", "tcb_info_signature": "<hex r||s>",
//!   "qe_identity_issuer_chain": "<PEM>", "qe_identity": "<JSON text>", "qe_identity_signature": "<hex r||s>",
//!   "pck_certificate_chain": "<PEM, optional, ignored>" }
//! ```
//!
//! With collateral the verifier:
//!
//! * checks the root CA CRL and the PCK CRL (signature by their issuer,
//!   current at `now`) and refuses a revoked PCK leaf or PCK CA;
//! * checks the TCB info and QE identity signatures (ECDSA P-256, raw
//!   `r‖s`, by the TCB signing certificate chained to the pinned Intel root)
//!   and their `issueDate ≤ now ≤ nextUpdate` window;
//! * matches the QE report against the QE identity (MRSIGNER, ISVPRODID,
//!   MISCSELECT and ATTRIBUTES under their masks, DEBUG clear) and finds the
//!   QE TCB level by ISVSVN;
//! * finds the platform TCB level: the first level whose every SGX
//!   component is ≤ the PCK leaf's, whose PCESVN is ≤ the leaf's and whose
//!   every TDX component is ≤ the quote's TEE_TCB_SVN (each component
//!   compared numerically, never the levels as strings); with a TDX module
//!   version (TEE_TCB_SVN\[1\] > 0) the first two TDX components are judged
//!   by the `TDX_<version>` module identity instead, whose MRSIGNER and
//!   attributes must match the quote's MRSIGNERSEAM / SEAM attributes;
//! * converges the platform, module and QE statuses (only an `OutOfDate` or
//!   `Revoked` component lowers the platform status) and unions the
//!   advisory ids; for TD 1.5 quotes the current TCB (TEE_TCB_SVN_2) is
//!   evaluated too (`TDRelaunchAdvised…`).

use crate::parse::TdQuote;
use crate::pck::PckExtensions;
use cmcp_json::Value;
use cmcp_json::encoding::hex_decode;
use cmcp_policy::Timestamp;
use cmcp_x509::{Certificate, ChainPolicy, Crl};
use std::fmt;

/// Largest collateral document accepted (1 MiB).
pub const MAX_COLLATERAL_LEN: usize = 1024 * 1024;

/// A TCB status as Intel spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TcbStatus {
    /// Fully patched.
    UpToDate,
    /// Patched; software hardening is needed.
    SWHardeningNeeded,
    /// Patched; platform configuration is needed.
    ConfigurationNeeded,
    /// Patched; configuration and software hardening are needed.
    ConfigurationAndSWHardeningNeeded,
    /// Not patched.
    OutOfDate,
    /// Not patched and configuration needed.
    OutOfDateConfigurationNeeded,
    /// TD 1.5: launched out of date, current TCB not out of date.
    TDRelaunchAdvised,
    /// TD 1.5: as `TDRelaunchAdvised`, with configuration needed.
    TDRelaunchAdvisedConfigurationNeeded,
    /// Keys compromised; never acceptable.
    Revoked,
}

impl TcbStatus {
    /// Every status.
    pub const ALL: [TcbStatus; 9] = [
        TcbStatus::UpToDate,
        TcbStatus::SWHardeningNeeded,
        TcbStatus::ConfigurationNeeded,
        TcbStatus::ConfigurationAndSWHardeningNeeded,
        TcbStatus::OutOfDate,
        TcbStatus::OutOfDateConfigurationNeeded,
        TcbStatus::TDRelaunchAdvised,
        TcbStatus::TDRelaunchAdvisedConfigurationNeeded,
        TcbStatus::Revoked,
    ];

    /// Intel's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TcbStatus::UpToDate => "UpToDate",
            TcbStatus::SWHardeningNeeded => "SWHardeningNeeded",
            TcbStatus::ConfigurationNeeded => "ConfigurationNeeded",
            TcbStatus::ConfigurationAndSWHardeningNeeded => "ConfigurationAndSWHardeningNeeded",
            TcbStatus::OutOfDate => "OutOfDate",
            TcbStatus::OutOfDateConfigurationNeeded => "OutOfDateConfigurationNeeded",
            TcbStatus::TDRelaunchAdvised => "TDRelaunchAdvised",
            TcbStatus::TDRelaunchAdvisedConfigurationNeeded => {
                "TDRelaunchAdvisedConfigurationNeeded"
            }
            TcbStatus::Revoked => "Revoked",
        }
    }

    /// Parses Intel's spelling (exact).
    ///
    /// ```
    /// use cmcp_tdx::collateral::TcbStatus;
    /// assert_eq!(TcbStatus::parse("OutOfDate"), Some(TcbStatus::OutOfDate));
    /// assert_eq!(TcbStatus::parse("outofdate"), None);
    /// ```
    pub fn parse(s: &str) -> Option<TcbStatus> {
        TcbStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Converges a platform status with a component (QE or TDX module)
    /// status: only `OutOfDate` / `Revoked` components lower it.
    pub fn converge(self, component: TcbStatus) -> TcbStatus {
        use TcbStatus::*;
        match (component, self) {
            (Revoked, _) => Revoked,
            (OutOfDate | OutOfDateConfigurationNeeded, UpToDate | SWHardeningNeeded) => OutOfDate,
            (
                OutOfDate | OutOfDateConfigurationNeeded,
                ConfigurationNeeded | ConfigurationAndSWHardeningNeeded,
            ) => OutOfDateConfigurationNeeded,
            _ => self,
        }
    }

    fn needs_configuration(self) -> bool {
        matches!(
            self,
            TcbStatus::ConfigurationNeeded
                | TcbStatus::OutOfDateConfigurationNeeded
                | TcbStatus::ConfigurationAndSWHardeningNeeded
                | TcbStatus::TDRelaunchAdvisedConfigurationNeeded
        )
    }

    /// TD 1.5: combines the launch status with the current one.
    pub fn with_current(self, current: TcbStatus) -> TcbStatus {
        use TcbStatus::*;
        let launch_out_of_date = matches!(self, OutOfDate | OutOfDateConfigurationNeeded);
        let current_ok = matches!(
            current,
            UpToDate | SWHardeningNeeded | ConfigurationNeeded | ConfigurationAndSWHardeningNeeded
        );
        if current == Revoked {
            Revoked
        } else if launch_out_of_date && current_ok {
            if self.needs_configuration() || current.needs_configuration() {
                TDRelaunchAdvisedConfigurationNeeded
            } else {
                TDRelaunchAdvised
            }
        } else {
            self
        }
    }
}

impl fmt::Display for TcbStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which ledger field a collateral failure belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CollateralField {
    /// The collateral document, TCB info, or the TCB level (`tcb_status`).
    TcbStatus,
    /// The QE identity (`qe_identity`).
    QeIdentity,
    /// Revocation of the PCK chain (`pck_chain`).
    PckChain,
}

impl CollateralField {
    /// The ledger field name.
    pub fn as_str(self) -> &'static str {
        match self {
            CollateralField::TcbStatus => "tcb_status",
            CollateralField::QeIdentity => "qe_identity",
            CollateralField::PckChain => "pck_chain",
        }
    }
}

/// Why collateral was refused or the quote did not match it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CollateralError {
    /// Which ledger field the failure belongs to.
    pub field: CollateralField,
    /// Our words.
    pub message: String,
}

fn tcb_err(m: impl Into<String>) -> CollateralError {
    CollateralError {
        field: CollateralField::TcbStatus,
        message: m.into(),
    }
}
fn qe_err(m: impl Into<String>) -> CollateralError {
    CollateralError {
        field: CollateralField::QeIdentity,
        message: m.into(),
    }
}

/// One platform TCB level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcbLevel {
    /// SGX TCB component SVNs (16).
    pub sgx_components: [u8; 16],
    /// PCESVN.
    pub pce_svn: u16,
    /// TDX TCB component SVNs (16).
    pub tdx_components: [u8; 16],
    /// `tcbDate`.
    pub tcb_date: String,
    /// `tcbStatus`.
    pub status: TcbStatus,
    /// `advisoryIDs`.
    pub advisory_ids: Vec<String>,
}

/// One ISVSVN-keyed level (QE identity, TDX module identity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SvnLevel {
    /// Minimum ISVSVN.
    pub isv_svn: u16,
    /// `tcbDate`.
    pub tcb_date: String,
    /// `tcbStatus`.
    pub status: TcbStatus,
    /// `advisoryIDs`.
    pub advisory_ids: Vec<String>,
}

/// A TDX module identity (`tdxModuleIdentities[]`, or `tdxModule` without levels).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TdxModuleIdentity {
    /// `TDX_01`, … (empty for the base `tdxModule`).
    pub id: String,
    /// Expected MRSIGNERSEAM.
    pub mr_signer: [u8; 48],
    /// Expected SEAM attributes.
    pub attributes: [u8; 8],
    /// Mask for the attributes.
    pub attributes_mask: [u8; 8],
    /// Levels by module ISVSVN (TEE_TCB_SVN\[0\]).
    pub levels: Vec<SvnLevel>,
}

/// Intel's TDX TCB info.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcbInfo {
    /// `TDX`.
    pub id: String,
    /// 3.
    pub version: u64,
    /// `issueDate`.
    pub issue_date: Timestamp,
    /// `nextUpdate`.
    pub next_update: Timestamp,
    /// FMSPC.
    pub fmspc: [u8; 6],
    /// PCE id.
    pub pce_id: [u8; 2],
    /// `tcbEvaluationDataNumber`.
    pub tcb_evaluation_data_number: Option<u64>,
    /// `tdxModule`.
    pub tdx_module: Option<TdxModuleIdentity>,
    /// `tdxModuleIdentities`.
    pub tdx_module_identities: Vec<TdxModuleIdentity>,
    /// `tcbLevels`, highest first.
    pub levels: Vec<TcbLevel>,
}

/// Intel's TD QE identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QeIdentity {
    /// `TD_QE`.
    pub id: String,
    /// 2 or 3.
    pub version: u64,
    /// `issueDate`.
    pub issue_date: Timestamp,
    /// `nextUpdate`.
    pub next_update: Timestamp,
    /// MISCSELECT (little-endian as in the report).
    pub misc_select: u32,
    /// MISCSELECT mask.
    pub misc_select_mask: u32,
    /// ATTRIBUTES.
    pub attributes: [u8; 16],
    /// ATTRIBUTES mask.
    pub attributes_mask: [u8; 16],
    /// MRSIGNER.
    pub mr_signer: [u8; 32],
    /// ISVPRODID.
    pub isv_prod_id: u16,
    /// Levels by ISVSVN, highest first.
    pub levels: Vec<SvnLevel>,
}

/// Parsed collateral.
#[derive(Clone, Debug)]
pub struct Collateral {
    /// Issuer chain of the PCK CRL (PCK CA, root).
    pub pck_crl_issuer_chain: Vec<Certificate>,
    /// The root CA CRL.
    pub root_ca_crl: Crl,
    /// The PCK CA CRL.
    pub pck_crl: Crl,
    /// Issuer chain of the TCB info (TCB signing cert, root).
    pub tcb_info_issuer_chain: Vec<Certificate>,
    /// The signed TCB info JSON text.
    pub tcb_info_json: String,
    /// The parsed TCB info.
    pub tcb_info: TcbInfo,
    /// Raw `r‖s`.
    pub tcb_info_signature: [u8; 64],
    /// Issuer chain of the QE identity.
    pub qe_identity_issuer_chain: Vec<Certificate>,
    /// The signed QE identity JSON text.
    pub qe_identity_json: String,
    /// The parsed QE identity.
    pub qe_identity: QeIdentity,
    /// Raw `r‖s`.
    pub qe_identity_signature: [u8; 64],
}

// ---------------------------------------------------------------- JSON helpers

fn member<'a>(v: &'a Value, name: &str, ctx: &str) -> Result<&'a Value, CollateralError> {
    v.get(name)
        .ok_or_else(|| tcb_err(format!("{ctx}: missing member {name:?}")))
}
fn string<'a>(v: &'a Value, name: &str, ctx: &str) -> Result<&'a str, CollateralError> {
    member(v, name, ctx)?
        .as_str()
        .ok_or_else(|| tcb_err(format!("{ctx}: {name:?} must be a string")))
}
fn uint(v: &Value, name: &str, ctx: &str) -> Result<u64, CollateralError> {
    member(v, name, ctx)?
        .as_int()
        .and_then(|i| i.as_u64())
        .ok_or_else(|| tcb_err(format!("{ctx}: {name:?} must be a non-negative integer")))
}
fn small<T: TryFrom<u64>>(v: &Value, name: &str, ctx: &str) -> Result<T, CollateralError> {
    T::try_from(uint(v, name, ctx)?).map_err(|_| tcb_err(format!("{ctx}: {name:?} out of range")))
}
fn hex_array<const N: usize>(v: &Value, name: &str, ctx: &str) -> Result<[u8; N], CollateralError> {
    let s = string(v, name, ctx)?;
    let b = hex_decode(s).map_err(|_| tcb_err(format!("{ctx}: {name:?} is not hex")))?;
    b.try_into()
        .map_err(|_| tcb_err(format!("{ctx}: {name:?} must be {N} bytes")))
}
fn array<'a>(v: &'a Value, name: &str, ctx: &str) -> Result<&'a [Value], CollateralError> {
    member(v, name, ctx)?
        .as_array()
        .ok_or_else(|| tcb_err(format!("{ctx}: {name:?} must be an array")))
}
fn time(v: &Value, name: &str, ctx: &str) -> Result<Timestamp, CollateralError> {
    Timestamp::parse_rfc3339(string(v, name, ctx)?)
        .map_err(|e| tcb_err(format!("{ctx}: {name:?}: {e}")))
}
fn status(v: &Value, ctx: &str) -> Result<TcbStatus, CollateralError> {
    let s = string(v, "tcbStatus", ctx)?;
    TcbStatus::parse(s).ok_or_else(|| tcb_err(format!("{ctx}: unknown tcbStatus {s:?}")))
}
fn advisories(v: &Value, ctx: &str) -> Result<Vec<String>, CollateralError> {
    match v.get("advisoryIDs") {
        None => Ok(Vec::new()),
        Some(a) => a
            .as_array()
            .ok_or_else(|| tcb_err(format!("{ctx}: advisoryIDs must be an array")))?
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| tcb_err(format!("{ctx}: advisory ids must be strings")))
            })
            .collect(),
    }
}
fn components(v: &Value, name: &str, ctx: &str) -> Result<[u8; 16], CollateralError> {
    let a = array(v, name, ctx)?;
    if a.len() != 16 {
        return Err(tcb_err(format!("{ctx}: {name:?} must hold 16 components")));
    }
    let mut out = [0u8; 16];
    for (dst, c) in out.iter_mut().zip(a) {
        *dst = small(c, "svn", ctx)?;
    }
    Ok(out)
}
fn svn_levels(v: &Value, ctx: &str) -> Result<Vec<SvnLevel>, CollateralError> {
    array(v, "tcbLevels", ctx)?
        .iter()
        .map(|l| {
            Ok(SvnLevel {
                isv_svn: small(member(l, "tcb", ctx)?, "isvsvn", ctx)?,
                tcb_date: string(l, "tcbDate", ctx)?.to_owned(),
                status: status(l, ctx)?,
                advisory_ids: advisories(l, ctx)?,
            })
        })
        .collect()
}
fn module_identity(
    v: &Value,
    with_levels: bool,
    ctx: &str,
) -> Result<TdxModuleIdentity, CollateralError> {
    Ok(TdxModuleIdentity {
        id: if with_levels {
            string(v, "id", ctx)?.to_owned()
        } else {
            String::new()
        },
        mr_signer: hex_array(v, "mrsigner", ctx)?,
        attributes: hex_array(v, "attributes", ctx)?,
        attributes_mask: hex_array(v, "attributesMask", ctx)?,
        levels: if with_levels {
            svn_levels(v, ctx)?
        } else {
            Vec::new()
        },
    })
}

impl TcbInfo {
    /// Parses the TCB info JSON text (unknown members are ignored, types are strict).
    pub fn from_json_text(text: &str) -> Result<TcbInfo, CollateralError> {
        let ctx = "tcb_info";
        let v = cmcp_json::parse(text.as_bytes()).map_err(|e| tcb_err(format!("{ctx}: {e}")))?;
        let levels = array(&v, "tcbLevels", ctx)?
            .iter()
            .map(|l| {
                let tcb = member(l, "tcb", ctx)?;
                Ok(TcbLevel {
                    sgx_components: components(tcb, "sgxtcbcomponents", ctx)?,
                    pce_svn: small(tcb, "pcesvn", ctx)?,
                    tdx_components: components(tcb, "tdxtcbcomponents", ctx)?,
                    tcb_date: string(l, "tcbDate", ctx)?.to_owned(),
                    status: status(l, ctx)?,
                    advisory_ids: advisories(l, ctx)?,
                })
            })
            .collect::<Result<Vec<_>, CollateralError>>()?;
        Ok(TcbInfo {
            id: string(&v, "id", ctx)?.to_owned(),
            version: uint(&v, "version", ctx)?,
            issue_date: time(&v, "issueDate", ctx)?,
            next_update: time(&v, "nextUpdate", ctx)?,
            fmspc: hex_array(&v, "fmspc", ctx)?,
            pce_id: hex_array(&v, "pceId", ctx)?,
            tcb_evaluation_data_number: v
                .get("tcbEvaluationDataNumber")
                .map(|_| uint(&v, "tcbEvaluationDataNumber", ctx))
                .transpose()?,
            tdx_module: v
                .get("tdxModule")
                .map(|m| module_identity(m, false, ctx))
                .transpose()?,
            tdx_module_identities: match v.get("tdxModuleIdentities") {
                None => Vec::new(),
                Some(_) => array(&v, "tdxModuleIdentities", ctx)?
                    .iter()
                    .map(|m| module_identity(m, true, ctx))
                    .collect::<Result<_, _>>()?,
            },
            levels,
        })
    }
}

impl QeIdentity {
    /// Parses the QE identity JSON text.
    pub fn from_json_text(text: &str) -> Result<QeIdentity, CollateralError> {
        let ctx = "qe_identity";
        let v = cmcp_json::parse(text.as_bytes()).map_err(|e| qe_err(format!("{ctx}: {e}")))?;
        let f = |e: CollateralError| qe_err(e.message);
        Ok(QeIdentity {
            id: string(&v, "id", ctx).map_err(f)?.to_owned(),
            version: uint(&v, "version", ctx).map_err(f)?,
            issue_date: time(&v, "issueDate", ctx).map_err(f)?,
            next_update: time(&v, "nextUpdate", ctx).map_err(f)?,
            misc_select: u32::from_le_bytes(hex_array(&v, "miscselect", ctx).map_err(f)?),
            misc_select_mask: u32::from_le_bytes(hex_array(&v, "miscselectMask", ctx).map_err(f)?),
            attributes: hex_array(&v, "attributes", ctx).map_err(f)?,
            attributes_mask: hex_array(&v, "attributesMask", ctx).map_err(f)?,
            mr_signer: hex_array(&v, "mrsigner", ctx).map_err(f)?,
            isv_prod_id: small(&v, "isvprodid", ctx).map_err(f)?,
            levels: svn_levels(&v, ctx).map_err(f)?,
        })
    }
}

const MEMBERS: [&str; 10] = [
    "pck_crl_issuer_chain",
    "root_ca_crl",
    "pck_crl",
    "tcb_info_issuer_chain",
    "tcb_info",
    "tcb_info_signature",
    "qe_identity_issuer_chain",
    "qe_identity",
    "qe_identity_signature",
    "pck_certificate_chain",
];

impl Collateral {
    /// Parses a collateral document (dcap-qvl's `QuoteCollateralV3` JSON).
    /// Unknown members, wrong types and undecodable values are refused.
    ///
    /// ```
    /// use cmcp_tdx::collateral::Collateral;
    /// assert!(Collateral::from_json(b"{}").is_err());
    /// assert!(Collateral::from_json(br#"{"surprise":1}"#).is_err());
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Collateral, CollateralError> {
        if bytes.len() > MAX_COLLATERAL_LEN {
            return Err(tcb_err(format!(
                "collateral is {} bytes, over the cap of {MAX_COLLATERAL_LEN}",
                bytes.len()
            )));
        }
        let ctx = "collateral";
        let v = cmcp_json::parse(bytes).map_err(|e| tcb_err(format!("{ctx}: {e}")))?;
        let obj = v
            .as_object()
            .ok_or_else(|| tcb_err("collateral must be a JSON object"))?;
        for (k, val) in obj.iter() {
            if !MEMBERS.contains(&k) {
                return Err(tcb_err(format!("collateral: unknown member {k:?}")));
            }
            if val.as_str().is_none() {
                return Err(tcb_err(format!("collateral: {k:?} must be a string")));
            }
        }
        let chain = |name: &str| {
            cmcp_x509::parse_pem_bundle(string(&v, name, ctx)?.as_bytes())
                .map_err(|e| tcb_err(format!("collateral: {name}: {e}")))
        };
        let crl = |name: &str| {
            Crl::parse(string(&v, name, ctx)?.as_bytes())
                .map_err(|e| tcb_err(format!("collateral: {name}: {e}")))
        };
        let tcb_info_json = string(&v, "tcb_info", ctx)?.to_owned();
        let qe_identity_json = string(&v, "qe_identity", ctx)?.to_owned();
        Ok(Collateral {
            pck_crl_issuer_chain: chain("pck_crl_issuer_chain")?,
            root_ca_crl: crl("root_ca_crl")?,
            pck_crl: crl("pck_crl")?,
            tcb_info_issuer_chain: chain("tcb_info_issuer_chain")?,
            tcb_info: TcbInfo::from_json_text(&tcb_info_json)?,
            tcb_info_json,
            tcb_info_signature: hex_array(&v, "tcb_info_signature", ctx)?,
            qe_identity_issuer_chain: chain("qe_identity_issuer_chain")?,
            qe_identity: QeIdentity::from_json_text(&qe_identity_json)?,
            qe_identity_json,
            qe_identity_signature: hex_array(&v, "qe_identity_signature", ctx)?,
        })
    }

    /// The CRLs to apply to the PCK chain (PCK CA CRL, root CA CRL).
    pub fn crls(&self) -> Vec<Crl> {
        vec![self.pck_crl.clone(), self.root_ca_crl.clone()]
    }
}

// ---------------------------------------------------------------- signatures and freshness

fn verify_signed_json(
    name: &str,
    chain: &[Certificate],
    text: &str,
    sig: &[u8; 64],
    roots: &[Certificate],
    crls: &[Crl],
    now: Timestamp,
) -> Result<(), String> {
    let mut policy = ChainPolicy::at(now);
    policy.crls = crls.to_vec();
    let v = cmcp_x509::verify_chain(chain, roots, &policy)
        .map_err(|e| format!("{name} signing chain: {e}"))?;
    let (r, s) = sig.split_at(32);
    let r: [u8; 32] = r.try_into().map_err(|_| format!("{name} signature"))?;
    let s: [u8; 32] = s.try_into().map_err(|_| format!("{name} signature"))?;
    v.leaf_public_key
        .verify_ecdsa_p256_sha256_rs(&r, &s, text.as_bytes())
        .map_err(|e| format!("{name} signature: {e}"))
}

fn window(name: &str, issue: Timestamp, next: Timestamp, now: Timestamp) -> Result<(), String> {
    if now < issue {
        return Err(format!(
            "{name} is issued {issue}, after the verification time {now}"
        ));
    }
    if now > next {
        return Err(format!(
            "{name} expired at its nextUpdate {next} (verification time {now})"
        ));
    }
    Ok(())
}

impl Collateral {
    /// Checks the CRLs, the TCB info and the QE identity against the pinned
    /// roots at `now`: signatures, issuer chains, validity windows.
    pub fn verify(&self, roots: &[Certificate], now: Timestamp) -> Result<(), CollateralError> {
        // Root CA CRL: signed by a pinned root, current.
        let root = roots
            .iter()
            .find(|r| r.subject_der() == self.root_ca_crl.issuer_der())
            .ok_or_else(|| tcb_err("root CA CRL is not issued by a pinned root"))?;
        self.root_ca_crl
            .verify_signed_by(root)
            .map_err(|e| tcb_err(format!("root CA CRL signature: {e}")))?;
        if !self.root_ca_crl.is_current_at(now) {
            return Err(tcb_err(
                "root CA CRL is not current at the verification time",
            ));
        }
        let root_crl = [self.root_ca_crl.clone()];
        // PCK CRL: its issuer chain to the root, its signature, current.
        let mut policy = ChainPolicy::at(now);
        policy.crls = root_crl.to_vec();
        // Its leaf is the PCK CA itself.
        policy.require_leaf_not_ca = false;
        let issuer =
            cmcp_x509::verify_chain(&self.pck_crl_issuer_chain, roots, &policy).map_err(|e| {
                CollateralError {
                    field: CollateralField::PckChain,
                    message: format!("PCK CRL issuer chain: {e}"),
                }
            })?;
        let issuer_cert = issuer
            .leaf()
            .ok_or_else(|| tcb_err("PCK CRL issuer chain is empty"))?;
        self.pck_crl
            .verify_signed_by(issuer_cert)
            .map_err(|e| tcb_err(format!("PCK CRL signature: {e}")))?;
        if !self.pck_crl.is_current_at(now) {
            return Err(tcb_err("PCK CRL is not current at the verification time"));
        }
        let t = &self.tcb_info;
        verify_signed_json(
            "TCB info",
            &self.tcb_info_issuer_chain,
            &self.tcb_info_json,
            &self.tcb_info_signature,
            roots,
            &root_crl,
            now,
        )
        .map_err(tcb_err)?;
        window("TCB info", t.issue_date, t.next_update, now).map_err(tcb_err)?;
        let q = &self.qe_identity;
        verify_signed_json(
            "QE identity",
            &self.qe_identity_issuer_chain,
            &self.qe_identity_json,
            &self.qe_identity_signature,
            roots,
            &root_crl,
            now,
        )
        .map_err(qe_err)?;
        window("QE identity", q.issue_date, q.next_update, now).map_err(qe_err)?;
        Ok(())
    }
}

// ---------------------------------------------------------------- appraisal

/// The outcome of the TCB evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcbEvaluation {
    /// The converged status.
    pub status: TcbStatus,
    /// Advisory ids of every matched level (platform, module, QE), deduplicated.
    pub advisory_ids: Vec<String>,
    /// Status of the matched platform level alone.
    pub platform_status: TcbStatus,
    /// Status of the matched TDX module level, when a module identity applies.
    pub module_status: Option<TcbStatus>,
    /// Status of the matched QE level.
    pub qe_status: TcbStatus,
    /// `tcbDate` of the matched platform level.
    pub tcb_date: String,
    /// FMSPC from the PCK leaf.
    pub fmspc: [u8; 6],
    /// `tcbEvaluationDataNumber` of the TCB info.
    pub tcb_evaluation_data_number: Option<u64>,
}

fn push_unique(dst: &mut Vec<String>, src: &[String]) {
    for a in src {
        if !dst.contains(a) {
            dst.push(a.clone());
        }
    }
}

/// Matches the QE report against the QE identity; returns the QE level.
pub fn match_qe_identity(q: &TdQuote, id: &QeIdentity) -> Result<SvnLevel, CollateralError> {
    let r = &q.qe_report;
    if id.id != "TD_QE" || !(2..=3).contains(&id.version) {
        return Err(qe_err(format!(
            "QE identity is {:?} version {}, expected TD_QE version 2 or 3",
            id.id, id.version
        )));
    }
    if !cmcp_json::encoding::ct_eq(&r.mr_signer, &id.mr_signer) {
        return Err(qe_err("QE MRSIGNER is not the one the QE identity names"));
    }
    if r.isv_prod_id != id.isv_prod_id {
        return Err(qe_err(format!(
            "QE ISVPRODID {} is not {}",
            r.isv_prod_id, id.isv_prod_id
        )));
    }
    if r.misc_select & id.misc_select_mask != id.misc_select & id.misc_select_mask {
        return Err(qe_err("QE MISCSELECT does not match under its mask"));
    }
    let attrs_ok = r
        .attributes
        .iter()
        .zip(&id.attributes)
        .zip(&id.attributes_mask)
        .all(|((a, e), m)| a & m == e & m);
    if !attrs_ok {
        return Err(qe_err("QE ATTRIBUTES do not match under their mask"));
    }
    if r.debug() {
        return Err(qe_err("the QE is a debug enclave"));
    }
    id.levels
        .iter()
        .find(|l| r.isv_svn >= l.isv_svn)
        .cloned()
        .ok_or_else(|| {
            qe_err(format!(
                "QE ISVSVN {} is below every QE identity level",
                r.isv_svn
            ))
        })
}

fn module_for<'a>(
    info: &'a TcbInfo,
    tee_tcb_svn: &[u8; 16],
) -> Result<Option<&'a TdxModuleIdentity>, CollateralError> {
    let version = tee_tcb_svn[1];
    if version == 0 {
        return Ok(None);
    }
    let want = format!("TDX_{version:02X}");
    info.tdx_module_identities
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(&want))
        .map(Some)
        .ok_or_else(|| tcb_err(format!("TCB info has no TDX module identity {want}")))
}

fn platform_level<'a>(
    info: &'a TcbInfo,
    pck: &PckExtensions,
    tee_tcb_svn: &[u8; 16],
) -> Result<&'a TcbLevel, CollateralError> {
    // With a module version the first two TDX components (module SVN,
    // version) are judged by the module identity.
    let skip = if tee_tcb_svn[1] > 0 { 2 } else { 0 };
    info.levels
        .iter()
        .find(|l| {
            l.sgx_components
                .iter()
                .zip(&pck.sgx_tcb_components)
                .all(|(need, have)| have >= need)
                && pck.pce_svn >= l.pce_svn
                && l.tdx_components
                    .iter()
                    .zip(tee_tcb_svn)
                    .skip(skip)
                    .all(|(need, have)| have >= need)
        })
        .ok_or_else(|| tcb_err("no TCB level of the TCB info is met by this platform"))
}

/// One TCB evaluation for one TEE_TCB_SVN: platform level converged with the module level.
fn evaluate_svn(
    info: &TcbInfo,
    pck: &PckExtensions,
    tee_tcb_svn: &[u8; 16],
    advisories: &mut Vec<String>,
) -> Result<(TcbStatus, Option<TcbStatus>, String), CollateralError> {
    let level = platform_level(info, pck, tee_tcb_svn)?;
    push_unique(advisories, &level.advisory_ids);
    let mut status = level.status;
    let mut module_status = None;
    if let Some(m) = module_for(info, tee_tcb_svn)? {
        let isv = u16::from(tee_tcb_svn[0]);
        let ml = m.levels.iter().find(|l| isv >= l.isv_svn).ok_or_else(|| {
            tcb_err(format!(
                "TDX module ISVSVN {isv} is below every {} level",
                m.id
            ))
        })?;
        push_unique(advisories, &ml.advisory_ids);
        module_status = Some(ml.status);
        status = status.converge(ml.status);
    }
    Ok((status, module_status, level.tcb_date.clone()))
}

fn check_module_identity(info: &TcbInfo, q: &TdQuote) -> Result<(), CollateralError> {
    let b = &q.body;
    let id = match module_for(info, &b.tee_tcb_svn)? {
        Some(m) => m,
        None => info
            .tdx_module
            .as_ref()
            .ok_or_else(|| tcb_err("TCB info has no tdxModule"))?,
    };
    if !cmcp_json::encoding::ct_eq(&b.mr_signer_seam, &id.mr_signer) {
        return Err(tcb_err(
            "MRSIGNERSEAM is not the TDX module signer the TCB info names",
        ));
    }
    let seam = b.seam_attributes.to_le_bytes();
    let ok = seam
        .iter()
        .zip(&id.attributes)
        .zip(&id.attributes_mask)
        .all(|((a, e), m)| a & m == e & m && a & !m == 0);
    if !ok {
        return Err(tcb_err(
            "SEAM attributes do not match the TDX module identity",
        ));
    }
    Ok(())
}

/// Computes the TCB status of `q` (whose PCK leaf carries `pck`) under the
/// collateral. Signatures and freshness are [`Collateral::verify`]'s job.
pub fn evaluate(
    q: &TdQuote,
    pck: &PckExtensions,
    c: &Collateral,
) -> Result<TcbEvaluation, CollateralError> {
    let info = &c.tcb_info;
    if info.id != "TDX" || info.version < 3 {
        return Err(tcb_err(format!(
            "TCB info is {:?} version {}, expected TDX version 3",
            info.id, info.version
        )));
    }
    if info.fmspc != pck.fmspc {
        return Err(tcb_err(format!(
            "TCB info is for FMSPC {}, the PCK certificate's is {}",
            cmcp_json::encoding::hex_encode(&info.fmspc),
            cmcp_json::encoding::hex_encode(&pck.fmspc)
        )));
    }
    if info.pce_id != pck.pce_id {
        return Err(tcb_err("TCB info is for another PCE id"));
    }
    check_module_identity(info, q)?;
    let qe = match_qe_identity(q, &c.qe_identity)?;
    let mut advisory_ids = Vec::new();
    let (platform, module_status, tcb_date) =
        evaluate_svn(info, pck, &q.body.tee_tcb_svn, &mut advisory_ids)?;
    push_unique(&mut advisory_ids, &qe.advisory_ids);
    let mut status = platform.converge(qe.status);
    if let Some(svn2) = &q.body.tee_tcb_svn_2 {
        let (current, _, _) = evaluate_svn(info, pck, svn2, &mut advisory_ids)?;
        status = status.with_current(current.converge(qe.status));
    }
    Ok(TcbEvaluation {
        status,
        advisory_ids,
        platform_status: platform,
        module_status,
        qe_status: qe.status,
        tcb_date,
        fmspc: pck.fmspc,
        tcb_evaluation_data_number: info.tcb_evaluation_data_number,
    })
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss
    )]
    use super::*;

    #[test]
    fn convergence() {
        use TcbStatus::*;
        assert_eq!(UpToDate.converge(OutOfDate), OutOfDate);
        assert_eq!(SWHardeningNeeded.converge(OutOfDate), OutOfDate);
        assert_eq!(
            ConfigurationNeeded.converge(OutOfDate),
            OutOfDateConfigurationNeeded
        );
        assert_eq!(UpToDate.converge(Revoked), Revoked);
        assert_eq!(SWHardeningNeeded.converge(UpToDate), SWHardeningNeeded);
        assert_eq!(OutOfDate.with_current(UpToDate), TDRelaunchAdvised);
        assert_eq!(
            OutOfDate.with_current(ConfigurationNeeded),
            TDRelaunchAdvisedConfigurationNeeded
        );
        assert_eq!(UpToDate.with_current(UpToDate), UpToDate);
        assert_eq!(OutOfDate.with_current(OutOfDate), OutOfDate);
        for s in TcbStatus::ALL {
            assert_eq!(TcbStatus::parse(s.as_str()), Some(s));
        }
    }

    fn level(sgx0: u8, pce: u16, tdx2: u8, status: TcbStatus) -> TcbLevel {
        let mut sgx = [0u8; 16];
        sgx[0] = sgx0;
        let mut tdx = [0u8; 16];
        tdx[2] = tdx2;
        TcbLevel {
            sgx_components: sgx,
            pce_svn: pce,
            tdx_components: tdx,
            tcb_date: String::new(),
            status,
            advisory_ids: vec![],
        }
    }

    #[test]
    fn components_compare_numerically_not_lexicographically() {
        // A level needing SVN 10 must not be met by 9, and a level needing 9
        // must be met by 10 ("10" < "9" as strings).
        let info = TcbInfo {
            id: "TDX".into(),
            version: 3,
            issue_date: Timestamp::from_unix(0),
            next_update: Timestamp::from_unix(0),
            fmspc: [0; 6],
            pce_id: [0; 2],
            tcb_evaluation_data_number: None,
            tdx_module: None,
            tdx_module_identities: vec![],
            levels: vec![
                level(10, 0, 0, TcbStatus::UpToDate),
                level(9, 0, 0, TcbStatus::OutOfDate),
            ],
        };
        let mut pck = PckExtensions {
            fmspc: [0; 6],
            pce_id: [0; 2],
            sgx_tcb_components: [0; 16],
            pce_svn: 0,
            cpu_svn: [0; 16],
            sgx_type: None,
        };
        pck.sgx_tcb_components[0] = 9;
        assert_eq!(
            platform_level(&info, &pck, &[0; 16]).unwrap().status,
            TcbStatus::OutOfDate
        );
        pck.sgx_tcb_components[0] = 10;
        assert_eq!(
            platform_level(&info, &pck, &[0; 16]).unwrap().status,
            TcbStatus::UpToDate
        );
        pck.sgx_tcb_components[0] = 100;
        assert_eq!(
            platform_level(&info, &pck, &[0; 16]).unwrap().status,
            TcbStatus::UpToDate
        );
        // One component higher but another lower: not met.
        let mut info2 = info.clone();
        info2.levels = vec![
            level(2, 0, 5, TcbStatus::UpToDate),
            level(1, 0, 0, TcbStatus::OutOfDate),
        ];
        pck.sgx_tcb_components[0] = 3;
        let mut tee = [0u8; 16];
        tee[2] = 4;
        assert_eq!(
            platform_level(&info2, &pck, &tee).unwrap().status,
            TcbStatus::OutOfDate
        );
        pck.sgx_tcb_components[0] = 0;
        assert!(platform_level(&info2, &pck, &tee).is_err());
    }
}
