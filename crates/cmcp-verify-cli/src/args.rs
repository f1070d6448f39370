//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use cmcp_verify::caps;
use cmcp_verify::json::encoding::hex_decode;
use cmcp_verify::{Digest, Timestamp, TrustInputs, VerifyOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Verify cMCP TRACE Claims, audit bundles and platform evidence.
#[derive(Parser, Debug)]
#[command(name = "cmcp-verify", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Verify a TRACE Claim (and optionally its audit bundle).
    Claim {
        /// The claim JSON file.
        claim: PathBuf,
        /// The audit bundle exported with the claim.
        #[arg(long)]
        bundle: Option<PathBuf>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Verify an audit bundle (against its claim when given).
    Bundle {
        /// The audit bundle JSON file.
        bundle: PathBuf,
        /// The claim the bundle belongs to.
        #[arg(long)]
        claim: Option<PathBuf>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Verify many claims from a JSON-lines stream, in parallel: each line is
    /// a claim object or {"claim": "PATH", "bundle": "PATH"} (bundle
    /// optional). One JSON result per line on stdout, in input order; a
    /// summary on stderr. Exit: 3 if a line could not be read, else the worst
    /// status (2 unverified, 1 partially verified, 0 all verified).
    Batch {
        /// The JSON-lines file; `-` or absent: standard input.
        input: Option<PathBuf>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Verify one receipt: execution evidence, an embodied action, a
    /// kill-switch refusal, or a TRACE action receipt document.
    Receipt {
        /// Which receipt kind.
        #[arg(long, value_enum)]
        kind: ReceiptKind,
        /// The receipt (kill-switch: the refusal receipt; action: the TRACE
        /// action-receipt document).
        #[arg(long)]
        receipt: Option<PathBuf>,
        /// The audit entry carrying `external_execution_evidence` (execution, embodied).
        #[arg(long)]
        entry: Option<PathBuf>,
        /// The detached action payload (embodied).
        #[arg(long)]
        payload: Option<PathBuf>,
        /// The TRACE claim (kill-switch: required; embodied: optional cross-checks).
        #[arg(long)]
        claim: Option<PathBuf>,
        /// Pinned controller key for embodied receipts: KEYID=HEX (repeatable).
        #[arg(long)]
        controller_key: Vec<String>,
        /// Embodied: fail when no authenticated controller receipt is present;
        /// action: report a missing receipt as `receipt_missing`.
        #[arg(long)]
        require_receipt: bool,
        /// Embodied: refuse same-party (gateway self-report) receipts.
        #[arg(long)]
        refuse_self_report: bool,
        /// Embodied and action: maximum receipt age in seconds before --now.
        #[arg(long, default_value_t = 300)]
        max_receipt_age: i64,
        /// Action: the call the receipt must be bound to (without it the
        /// binding is not established). The document's own `context` is
        /// never read: time, window, predecessor and ids are these flags.
        #[arg(long)]
        call_id: Option<String>,
        /// Action: the session the receipt must come from (without it the
        /// binding is not established).
        #[arg(long)]
        session_id: Option<String>,
        /// Action: the predecessor the receipt must name (`sha256:HEX`,
        /// `sha384:HEX` or bare hex), or `none` for the first receipt of a
        /// chain; absent: the chain is not checked.
        #[arg(long)]
        expected_previous_receipt_hash: Option<String>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Verify one platform's evidence alone.
    Evidence {
        /// Platform (amd-sev-snp, azure-cvm-sev-snp, intel-tdx, tpm2).
        #[arg(long)]
        platform: String,
        /// Evidence file: raw evidence bytes, or a JSON object shaped like
        /// gateway.attestation_evidence (base64url members).
        #[arg(long)]
        evidence: PathBuf,
        /// The claim's 64-byte nonce in hex (tpm2: 32 bytes also accepted).
        #[arg(long)]
        nonce: String,
        #[command(flatten)]
        common: CommonArgs,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptKind {
    /// `external_execution_evidence` in an audit entry.
    Execution,
    /// `cmcp.embodied_action_evidence.v0`.
    Embodied,
    /// `cmcp.kill-switch.refusal/v1`.
    KillSwitch,
    /// `trace.action_receipt.conformance.v0` document.
    Action,
}

/// Parses `KEYID=HEX` where KEYID is 64 lowercase hex digits and HEX a raw 32-byte key.
pub fn key_pair(flag: &str, kv: &str) -> Result<(String, [u8; 32]), String> {
    let (id, key) = kv
        .split_once('=')
        .ok_or_else(|| format!("{flag} must be KEYID=HEX"))?;
    let well_formed = id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !well_formed {
        return Err(format!(
            "{flag}: KEYID must be 64 lowercase hex digits (SHA-256 of the key), got {id:?}"
        ));
    }
    let key = hex_decode(key)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| format!("{flag} key must be 32 bytes of hex"))?;
    Ok((id.to_owned(), key))
}

/// The relying party's expectations for `receipt --kind action`. A blank
/// `--call-id` or `--session-id` names nothing to bind to and is a usage
/// error, as is a `--expected-previous-receipt-hash` that is not a digest
/// or `none`.
pub fn action_expectations(
    call_id: Option<String>,
    session_id: Option<String>,
    previous: Option<&str>,
    require_receipt: bool,
    max_receipt_age: i64,
) -> Result<cmcp_verify::receipts::ActionExpectations, String> {
    use cmcp_verify::receipts::{ActionExpectations, PreviousReceipt};
    for (flag, v) in [("--call-id", &call_id), ("--session-id", &session_id)] {
        if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
            return Err(format!("{flag} must not be empty"));
        }
    }
    let previous_receipt = match previous {
        None => PreviousReceipt::NotChecked,
        Some(p) => PreviousReceipt::parse_pin(p)
            .map_err(|e| format!("--expected-previous-receipt-hash: {e} (or none)"))?,
    };
    Ok(ActionExpectations {
        call_id,
        session_id,
        require_receipt,
        max_receipt_age_seconds: max_receipt_age,
        previous_receipt,
    })
}

/// Adds one pinned `KEYID=HEX` key. The same KEYID given twice is a usage
/// error naming it: keeping either value silently would pin a key the user
/// may not have meant.
pub fn pin_key(
    flag: &str,
    keys: &mut BTreeMap<String, [u8; 32]>,
    id: String,
    key: [u8; 32],
) -> Result<(), String> {
    if keys.contains_key(&id) {
        return Err(format!("{flag}: KEYID {id} is given more than once"));
    }
    keys.insert(id, key);
    Ok(())
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct CommonArgs {
    /// Approved policy bundle hash (`sha256:HEX`, `sha384:HEX` or bare hex).
    #[arg(long)]
    pub policy_hash: Option<String>,
    /// Approved tool catalog hash.
    #[arg(long)]
    pub catalog_hash: Option<String>,
    /// Approved launch measurement (repeatable).
    #[arg(long)]
    pub launch_measurement: Vec<String>,
    /// Expected raw 32-byte gateway measurement, hex.
    #[arg(long)]
    pub gateway_measurement: Option<String>,
    /// Pinned gateway public key (raw Ed25519, hex).
    #[arg(long)]
    pub trusted_key: Option<String>,
    /// Maximum attestation age in seconds.
    #[arg(long, default_value_t = 86_400)]
    pub max_age: u64,
    /// Verification time (RFC 3339); default: the system clock.
    #[arg(long)]
    pub now: Option<String>,
    /// Trust store: `builtin` (embedded vendor roots) or a directory of PEM files
    /// in amd/, intel/ and tpm/ subdirectories.
    #[arg(long)]
    pub trust_store: Option<String>,
    /// Pinned AMD ARK (PEM file).
    #[arg(long)]
    pub ark: Vec<PathBuf>,
    /// Pinned Intel SGX root CA (PEM file).
    #[arg(long)]
    pub intel_root: Vec<PathBuf>,
    /// Pinned TPM CA (PEM file).
    #[arg(long)]
    pub tpm_ca: Vec<PathBuf>,
    /// External evidence issuer key: KEYID=HEX (KEYID = hex SHA-256 of the key; repeatable).
    #[arg(long)]
    pub evidence_key: Vec<String>,
    /// Relying-party appraisal policy file (JSON with `sev_snp`, `tdx`, `tpm` sections).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Intel PCS collateral for TDX (JSON: TCB info, QE identity, CRLs, issuer chains).
    #[arg(long)]
    pub collateral: Option<PathBuf>,
    /// Offline CRL for SEV-SNP ASK/ASVK and VCEK/VLEK (DER or PEM; repeatable).
    #[arg(long)]
    pub crl: Vec<PathBuf>,
    /// TPM PCR values (JSON `{"sha256":{"0":"hex",…}}`).
    #[arg(long)]
    pub pcrs: Option<PathBuf>,
    /// TCG crypto-agile event log (binary) for TPM PCR replay.
    #[arg(long)]
    pub event_log: Option<PathBuf>,
    /// TPM NV-certify envelope (JSON: pre/post attests and signatures by the
    /// AK, `gateway_digest`, `v` 1), appraised against index 0x01500432 and
    /// --gateway-digest; recorded as `gateway_measurement`.
    #[arg(long)]
    pub nv_certify: Option<PathBuf>,
    /// Expected 32-byte gateway digest (hex) extended into the TPM NV index.
    #[arg(long)]
    pub gateway_digest: Option<String>,
    /// Appraisal knob `SECTION.KNOB=VALUE` (repeatable), overriding the
    /// `--policy` file: e.g. `sev_snp.allow_debug=true`,
    /// `tdx.accepted_tcb_statuses=["UpToDate","SWHardeningNeeded"]`. VALUE is
    /// JSON when it parses as JSON, else a string.
    #[arg(long)]
    pub appraise: Vec<String>,
    /// Signed Agent Manifest to bind (v0.1 JSON or v0.2 COSE_Sign1 file).
    #[arg(long)]
    pub agent_manifest: Option<PathBuf>,
    /// Agent Manifest issuer key: KEYID=HEX (KEYID = hex SHA-256 of the key; repeatable).
    #[arg(long)]
    pub manifest_key: Vec<String>,
    /// Accept an agent subject taken from the manifest in development mode.
    #[arg(long)]
    pub allow_dev_subject: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Reads a file, at most `cap + 1` bytes of it.
type ReadCapped<'a> = dyn Fn(&Path, usize) -> Result<Vec<u8>, String> + 'a;

fn pem_dir(dir: &Path, sub: &str, read: &ReadCapped<'_>) -> Result<Vec<Vec<u8>>, String> {
    let d = dir.join(sub);
    if !d.is_dir() {
        return Ok(Vec::new());
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&d)
        .map_err(|e| format!("cannot read {}: {e}", d.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths.iter().map(|p| read(p, caps::CERTIFICATES)).collect()
}

/// Merges `SECTION.KNOB=VALUE` overrides into the policy document.
fn apply_knobs(
    base: Option<cmcp_verify::json::Value>,
    knobs: &[String],
) -> Result<cmcp_verify::json::Value, String> {
    use cmcp_verify::json::{Object, Value};
    let mut doc = match base {
        Some(Value::Object(o)) => o,
        Some(_) => return Err("--policy: the policy file must be a JSON object".into()),
        None => Object::new(),
    };
    for kv in knobs {
        let (path, value) = kv
            .split_once('=')
            .ok_or_else(|| format!("--appraise {kv:?}: want SECTION.KNOB=VALUE"))?;
        let (section, knob) = path
            .split_once('.')
            .ok_or_else(|| format!("--appraise {kv:?}: want SECTION.KNOB=VALUE"))?;
        if !matches!(section, "sev_snp" | "tdx" | "tpm") || knob.is_empty() {
            return Err(format!(
                "--appraise {kv:?}: SECTION is one of sev_snp, tdx, tpm"
            ));
        }
        let v = cmcp_verify::json::parse(value.as_bytes())
            .unwrap_or_else(|_| Value::String(value.to_owned()));
        let mut sec = match doc.remove(section) {
            Some(Value::Object(o)) => o,
            Some(_) => return Err(format!("--policy: section {section} must be an object")),
            None => Object::new(),
        };
        sec.insert(knob, v);
        doc.insert(section, Value::Object(sec));
    }
    Ok(Value::Object(doc))
}

impl CommonArgs {
    /// Flags that only mean something for a claim; the `evidence` command refuses them.
    pub fn claim_only_flags(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.policy_hash.is_some() {
            v.push("--policy-hash");
        }
        if self.catalog_hash.is_some() {
            v.push("--catalog-hash");
        }
        if self.gateway_measurement.is_some() {
            v.push("--gateway-measurement");
        }
        if self.trusted_key.is_some() {
            v.push("--trusted-key");
        }
        if !self.evidence_key.is_empty() {
            v.push("--evidence-key");
        }
        if self.max_age != 86_400 {
            v.push("--max-age");
        }
        if self.agent_manifest.is_some() {
            v.push("--agent-manifest");
        }
        if !self.manifest_key.is_empty() {
            v.push("--manifest-key");
        }
        v
    }

    /// The flag to name when [`cmcp_verify::Verifier::from_options`] refuses
    /// `input` (the appraisal policy comes from `--policy` and `--appraise`).
    pub fn flag_of(&self, input: cmcp_verify::ConfigInput) -> &'static str {
        match (input, self.policy.is_some(), self.appraise.is_empty()) {
            (cmcp_verify::ConfigInput::Appraisal, false, false) => "--appraise",
            (cmcp_verify::ConfigInput::Appraisal, true, false) => "--policy/--appraise",
            (other, _, _) => other.flag(),
        }
    }

    /// Builds verification options; errors are usage errors. `read(path,
    /// cap)` returns at most `cap + 1` bytes of a file (each input's cap is
    /// its parser's, [`cmcp_verify::caps`]), so no input is held in memory
    /// much beyond what its layer accepts.
    pub fn options(
        &self,
        read: impl Fn(&Path, usize) -> Result<Vec<u8>, String>,
    ) -> Result<VerifyOptions, String> {
        let now = match &self.now {
            Some(t) => Timestamp::parse_rfc3339(t).map_err(|e| format!("--now: {e}"))?,
            None => Timestamp::now(),
        };
        let mut o = VerifyOptions::at(now);
        o.max_age_seconds = self.max_age;
        let digest = |flag: &str, s: &str| Digest::parse_pin(s).map_err(|e| format!("{flag}: {e}"));
        o.policy_hash = self
            .policy_hash
            .as_deref()
            .map(|s| digest("--policy-hash", s))
            .transpose()?;
        o.catalog_hash = self
            .catalog_hash
            .as_deref()
            .map(|s| digest("--catalog-hash", s))
            .transpose()?;
        if !self.launch_measurement.is_empty() {
            o.launch_measurements = Some(
                self.launch_measurement
                    .iter()
                    .map(|s| digest("--launch-measurement", s))
                    .collect::<Result<_, _>>()?,
            );
        }
        let hex32 = |flag: &str, s: &str, digest_prefix: bool| -> Result<[u8; 32], String> {
            let s = s
                .strip_prefix("0x")
                .or_else(|| s.strip_prefix("0X"))
                .unwrap_or(s);
            let s = if digest_prefix {
                s.strip_prefix("sha256:").unwrap_or(s)
            } else {
                s
            };
            hex_decode(s)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| format!("{flag} must be 32 bytes of hex"))
        };
        o.gateway_measurement = self
            .gateway_measurement
            .as_deref()
            .map(|s| hex32("--gateway-measurement", s, true))
            .transpose()?;
        o.trusted_key = self
            .trusted_key
            .as_deref()
            .map(|s| hex32("--trusted-key", s, false))
            .transpose()?;
        for kv in &self.evidence_key {
            let (id, key) = kv
                .split_once('=')
                .ok_or_else(|| "--evidence-key must be KEYID=HEX".to_owned())?;
            let key = hex32("--evidence-key", key, false)?;
            // A KEYID of the wrong form is a usage error; one of the right form
            // that does not hash from the key is kept, so the receipt that names
            // it fails its key-id check as a verdict.
            let well_formed =
                id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            if !well_formed {
                return Err(format!(
                    "--evidence-key: KEYID must be 64 lowercase hex digits (SHA-256 of the key), got {id:?}"
                ));
            }
            pin_key("--evidence-key", &mut o.evidence_keys, id.to_owned(), key)?;
        }
        let mut trust = TrustInputs::default();
        match self.trust_store.as_deref() {
            None => {}
            Some("builtin") => trust.builtin_roots = true,
            Some(dir) => {
                let d = Path::new(dir);
                if !d.is_dir() {
                    return Err(format!(
                        "--trust-store: {dir} is neither `builtin` nor a directory"
                    ));
                }
                trust.amd_ark = pem_dir(d, "amd", &read)?;
                trust.intel_root = pem_dir(d, "intel", &read)?;
                trust.tpm_ca = pem_dir(d, "tpm", &read)?;
            }
        }
        let labelled =
            |flag: &str, p: &Path, cap: usize| read(p, cap).map_err(|e| format!("{flag}: {e}"));
        for p in &self.ark {
            trust
                .amd_ark
                .push(labelled("--ark", p, caps::CERTIFICATES)?);
        }
        for p in &self.intel_root {
            trust
                .intel_root
                .push(labelled("--intel-root", p, caps::CERTIFICATES)?);
        }
        for p in &self.tpm_ca {
            trust
                .tpm_ca
                .push(labelled("--tpm-ca", p, caps::CERTIFICATES)?);
        }
        o.trust = trust;
        if let Some(p) = &self.policy {
            let bytes = labelled("--policy", p, caps::JSON_DOCUMENT)?;
            let v = cmcp_verify::json::parse(&bytes).map_err(|e| format!("--policy: {e}"))?;
            let obj = v
                .as_object()
                .ok_or("--policy: the policy file must be a JSON object")?;
            for (k, _) in obj.iter() {
                if !matches!(k, "sev_snp" | "tdx" | "tpm") {
                    return Err(format!(
                        "--policy: unknown section {k:?} (sections: sev_snp, tdx, tpm; Azure CVM knobs are in sev_snp)"
                    ));
                }
            }
            o.appraisal = Some(v);
        }
        if !self.appraise.is_empty() {
            o.appraisal = Some(apply_knobs(o.appraisal.take(), &self.appraise)?);
        }
        for kv in &self.manifest_key {
            let (id, key) = kv
                .split_once('=')
                .ok_or_else(|| "--manifest-key must be KEYID=HEX".to_owned())?;
            let key = hex32("--manifest-key", key, false)?;
            let well_formed =
                id.len() == 64 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            if !well_formed {
                return Err(format!(
                    "--manifest-key: KEYID must be 64 lowercase hex digits (SHA-256 of the key), got {id:?}"
                ));
            }
            pin_key("--manifest-key", &mut o.manifest_keys, id.to_owned(), key)?;
        }
        if let Some(p) = &self.agent_manifest {
            o.agent_manifest = Some(labelled("--agent-manifest", p, caps::AGENT_MANIFEST)?);
        }
        o.allow_dev_subject = self.allow_dev_subject;
        let mut add = |name: &str, flag: &str, p: &Path, cap: usize| -> Result<(), String> {
            let bytes = labelled(flag, p, cap)?;
            o.platform_inputs
                .entry(name.to_owned())
                .or_default()
                .push(bytes);
            Ok(())
        };
        if let Some(p) = &self.collateral {
            add("tdx_collateral", "--collateral", p, caps::TDX_COLLATERAL)?;
        }
        for p in &self.crl {
            add("snp_crl", "--crl", p, caps::CRL)?;
        }
        if let Some(p) = &self.pcrs {
            add("tpm_pcrs", "--pcrs", p, caps::JSON_DOCUMENT)?;
        }
        if let Some(p) = &self.event_log {
            add("tpm_event_log", "--event-log", p, caps::TPM_EVENT_LOG)?;
        }
        if let Some(p) = &self.nv_certify {
            add("tpm_nv_certify", "--nv-certify", p, caps::TPM_NV_CERTIFY)?;
        }
        if let Some(d) = &self.gateway_digest {
            let d = hex32("--gateway-digest", d, true)?;
            o.platform_inputs
                .entry("tpm_gateway_digest".to_owned())
                .or_default()
                .push(d.to_vec());
        }
        Ok(o)
    }
}
