//! The conformance vector format: loading, input resolution, and turning a
//! vector's options into façade options or CLI arguments.

use crate::jsonx::get;
use cmcp_verify::json::encoding::hex_decode;
use cmcp_verify::json::{Value, parse};
use cmcp_verify::{Digest, Timestamp, TrustInputs, VerifyOptions};
use std::path::{Path, PathBuf};

/// A loaded vector.
#[derive(Clone, Debug)]
pub struct Vector {
    /// Stable id.
    pub id: String,
    /// The folder (or file's folder) paths are relative to.
    pub dir: PathBuf,
    /// The whole document.
    pub doc: Value,
}

impl Vector {
    /// Tags.
    pub fn tags(&self) -> Vec<String> {
        self.doc
            .get("tags")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `claim`, `bundle` or `evidence`.
    pub fn command(&self) -> String {
        crate::jsonx::get_str(&self.doc, &["command"])
    }

    /// The pending reason, if the vector is pending.
    pub fn pending(&self) -> Option<String> {
        self.doc
            .get("pending")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// An input path member.
    pub fn input(&self, name: &str) -> Option<String> {
        get(&self.doc, &["inputs", name])
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// An option member.
    pub fn opt(&self, name: &str) -> Option<&Value> {
        get(&self.doc, &["options", name]).filter(|v| !v.is_null())
    }
}

/// Where `../shared/fixtures` is for this checkout.
pub fn fixtures_dir(root: &Path) -> PathBuf {
    root.join("../shared/fixtures")
}

/// Resolves a path named inside a vector: `fixture:REL` and
/// `../shared/fixtures/REL` name third-party fixtures (relative to the repo
/// root), anything else is relative to the vector's folder. The flag says
/// whether the path is a fixture.
pub fn resolve(root: &Path, dir: &Path, p: &str) -> (PathBuf, bool) {
    if let Some(rel) = p.strip_prefix("fixture:") {
        return (fixtures_dir(root).join(rel), true);
    }
    if p.starts_with("../shared/fixtures/") {
        return (root.join(p), true);
    }
    (dir.join(p), false)
}

/// Every path a vector names (inputs and option files).
pub fn named_paths(v: &Vector) -> Vec<String> {
    let mut out = Vec::new();
    for k in ["claim", "bundle", "evidence", "receipt", "entry", "payload"] {
        if let Some(p) = v.input(k) {
            out.push(p);
        }
    }
    for k in ["ark", "intel_root", "tpm_ca"] {
        if let Some(a) = v.opt(k).and_then(Value::as_array) {
            out.extend(a.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    for k in [
        "policy",
        "trust_store",
        "collateral",
        "pcrs",
        "event_log",
        "nv_certify",
        "crl",
        "agent_manifest",
    ] {
        if let Some(p) = v.opt(k).and_then(Value::as_str)
            && p != "builtin"
        {
            out.push(p.to_owned());
        }
    }
    out.extend(assembled_evidence_paths(v));
    out
}

/// True when the vector names a fixture whose folder is absent.
pub fn fixture_absent(root: &Path, v: &Vector) -> bool {
    named_paths(v).iter().any(|p| {
        let (_, fx) = resolve(root, &v.dir, p);
        fx && !fixtures_dir(root).is_dir()
    })
}

/// Loads every vector under `dir`: each `*/vector.json` folder and each
/// `*.json` file directly inside, sorted by id.
pub fn load_all(dir: &Path) -> Result<Vec<Vector>, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() && p.join("vector.json").is_file() {
            files.push(p.join("vector.json"));
        } else if p.is_file() && p.extension().is_some_and(|x| x == "json") {
            files.push(p);
        }
    }
    let mut out = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let doc = parse(&bytes).map_err(|e| format!("{}: {e}", f.display()))?;
        let id = doc
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{}: no id", f.display()))?
            .to_owned();
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        out.push(Vector { id, dir, doc });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    for w in out.windows(2) {
        if let [a, b] = w
            && a.id == b.id
        {
            return Err(format!("duplicate vector id {}", a.id));
        }
    }
    Ok(out)
}

fn hex32(flag: &str, s: &str) -> Result<[u8; 32], String> {
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    let s = s.strip_prefix("sha256:").unwrap_or(s);
    hex_decode(s)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| format!("{flag} must be 32 bytes of hex"))
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn read(root: &Path, v: &Vector, p: &str) -> Result<Vec<u8>, String> {
    let (path, _) = resolve(root, &v.dir, p);
    std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn pem_dir(dir: &Path, sub: &str) -> Result<Vec<Vec<u8>>, String> {
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
    paths
        .iter()
        .map(|p| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display())))
        .collect()
}

/// The façade options for a vector, built with the same rules as the CLI
/// (an error here is what the CLI reports as a usage error, exit 3).
pub fn facade_options(root: &Path, v: &Vector) -> Result<VerifyOptions, String> {
    let now = match v.opt("now").and_then(Value::as_str) {
        Some(t) => Timestamp::parse_rfc3339(t).map_err(|e| format!("--now: {e}"))?,
        None => {
            return Err("vector has no options.now (vectors must not depend on the clock)".into());
        }
    };
    let mut o = VerifyOptions::at(now);
    if let Some(m) = v.opt("max_age") {
        o.max_age_seconds = m
            .as_int()
            .and_then(|i| i.as_u64())
            .ok_or("--max-age must be a non-negative integer")?;
    }
    let digest = |flag: &str, s: &str| Digest::parse_pin(s).map_err(|e| format!("{flag}: {e}"));
    if let Some(p) = v.opt("policy_hash").and_then(Value::as_str) {
        o.policy_hash = Some(digest("--policy-hash", p)?);
    }
    if let Some(p) = v.opt("catalog_hash").and_then(Value::as_str) {
        o.catalog_hash = Some(digest("--catalog-hash", p)?);
    }
    let lm = str_list(v.opt("launch_measurements"));
    if !lm.is_empty() {
        o.launch_measurements = Some(
            lm.iter()
                .map(|s| digest("--launch-measurement", s))
                .collect::<Result<_, _>>()?,
        );
    }
    if let Some(g) = v.opt("gateway_measurement").and_then(Value::as_str) {
        o.gateway_measurement = Some(hex32("--gateway-measurement", g)?);
    }
    if let Some(k) = v.opt("trusted_key").and_then(Value::as_str) {
        o.trusted_key = Some(hex32("--trusted-key", k)?);
    }
    if let Some(Value::Object(keys)) = v.opt("evidence_keys") {
        for (id, key) in keys.iter() {
            let key = hex32("--evidence-key", key.as_str().unwrap_or(""))?;
            o.evidence_keys.insert(id.to_ascii_lowercase(), key);
        }
    }
    if let Some(Value::Object(keys)) = v.opt("manifest_keys") {
        for (id, key) in keys.iter() {
            let (id, key) = key_pair(
                "--manifest-key",
                &format!("{id}={}", key.as_str().unwrap_or("")),
            )?;
            o.manifest_keys.insert(id, key);
        }
    }
    if let Some(p) = v.opt("agent_manifest").and_then(Value::as_str) {
        o.agent_manifest = Some(read(root, v, p)?);
    }
    o.allow_dev_subject = v.opt("allow_dev_subject") == Some(&Value::Bool(true));
    let mut trust = TrustInputs::default();
    match v.opt("trust_store").and_then(Value::as_str) {
        None => {}
        Some("builtin") => trust.builtin_roots = true,
        Some(p) => {
            let (d, _) = resolve(root, &v.dir, p);
            if !d.is_dir() {
                return Err(format!(
                    "--trust-store: {p} is neither `builtin` nor a directory"
                ));
            }
            trust.amd_ark = pem_dir(&d, "amd")?;
            trust.intel_root = pem_dir(&d, "intel")?;
            trust.tpm_ca = pem_dir(&d, "tpm")?;
        }
    }
    for p in str_list(v.opt("ark")) {
        trust.amd_ark.push(read(root, v, &p)?);
    }
    for p in str_list(v.opt("intel_root")) {
        trust.intel_root.push(read(root, v, &p)?);
    }
    for p in str_list(v.opt("tpm_ca")) {
        trust.tpm_ca.push(read(root, v, &p)?);
    }
    o.trust = trust;
    if let Some(p) = v.opt("policy").and_then(Value::as_str) {
        let bytes = read(root, v, p)?;
        let pv = parse(&bytes).map_err(|e| format!("--policy: {e}"))?;
        let po = pv
            .as_object()
            .ok_or("--policy: the policy file must be a JSON object")?;
        for (k, _) in po.iter() {
            if !matches!(k, "sev_snp" | "tdx" | "tpm") {
                return Err(format!("--policy: unknown section {k:?}"));
            }
        }
        o.appraisal = Some(pv);
    }
    for (k, name) in [
        ("collateral", "tdx_collateral"),
        ("pcrs", "tpm_pcrs"),
        ("event_log", "tpm_event_log"),
        ("nv_certify", "tpm_nv_certify"),
        ("crl", "snp_crl"),
    ] {
        if let Some(p) = v.opt(k).and_then(Value::as_str) {
            let bytes = read(root, v, p)?;
            o.platform_inputs
                .entry(name.to_owned())
                .or_default()
                .push(bytes);
        }
    }
    if let Some(g) = v.opt("gateway_digest").and_then(Value::as_str) {
        o.platform_inputs
            .entry("tpm_gateway_digest".to_owned())
            .or_default()
            .push(hex32("--gateway-digest", g)?.to_vec());
    }
    Ok(o)
}

/// Parses `KEYID=HEX` as the CLI does for `--controller-key` and
/// `--manifest-key`: KEYID is 64 lowercase hex digits, HEX a raw 32-byte key.
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
    Ok((id.to_owned(), hex32(flag, key)?))
}

/// The embodied-receipt policy of a `receipt` vector (`controller_keys`,
/// `require_receipt`, `refuse_self_report`, `max_receipt_age`), built as
/// the CLI builds it.
pub fn embodied_policy(
    v: &Vector,
    now: Timestamp,
) -> Result<cmcp_verify::receipt::embodied::EmbodiedPolicy, String> {
    let mut p = cmcp_verify::receipt::embodied::EmbodiedPolicy::new(now);
    p.require_receipt = v.opt("require_receipt") == Some(&Value::Bool(true));
    p.refuse_self_report = v.opt("refuse_self_report") == Some(&Value::Bool(true));
    if let Some(m) = v.opt("max_receipt_age") {
        p.max_receipt_age_seconds = m
            .as_int()
            .and_then(|i| i.as_i64())
            .ok_or("--max-receipt-age must be an integer")?;
    }
    if let Some(Value::Object(keys)) = v.opt("controller_keys") {
        for (id, key) in keys.iter() {
            let (id, key) = key_pair(
                "--controller-key",
                &format!("{id}={}", key.as_str().unwrap_or("")),
            )?;
            p.controller_keys.insert(id, key);
        }
    }
    Ok(p)
}

/// The action-receipt expectations of a `receipt` vector (`call_id`,
/// `session_id`, `expected_previous_receipt_hash`, `require_receipt`,
/// `max_receipt_age`), built as the CLI builds them.
pub fn action_expectations(
    v: &Vector,
) -> Result<cmcp_verify::receipts::ActionExpectations, String> {
    use cmcp_verify::receipts::{ActionExpectations, PreviousReceipt};
    let mut e = ActionExpectations {
        call_id: v.opt("call_id").and_then(Value::as_str).map(str::to_owned),
        session_id: v
            .opt("session_id")
            .and_then(Value::as_str)
            .map(str::to_owned),
        require_receipt: v.opt("require_receipt") == Some(&Value::Bool(true)),
        ..ActionExpectations::default()
    };
    if let Some(m) = v.opt("max_receipt_age") {
        e.max_receipt_age_seconds = m
            .as_int()
            .and_then(|i| i.as_i64())
            .ok_or("--max-receipt-age must be an integer")?;
    }
    if let Some(p) = v
        .opt("expected_previous_receipt_hash")
        .and_then(Value::as_str)
    {
        e.previous_receipt = PreviousReceipt::parse_pin(p)
            .map_err(|err| format!("--expected-previous-receipt-hash: {err}"))?;
    }
    Ok(e)
}

/// The CLI option arguments for a vector (after the command and its positional input).
pub fn cli_option_args(root: &Path, v: &Vector) -> Vec<String> {
    let mut a: Vec<String> = Vec::new();
    let mut flag = |name: &str, val: String| {
        a.push(format!("--{name}"));
        a.push(val);
    };
    let path = |p: &str| resolve(root, &v.dir, p).0.display().to_string();
    if let Some(t) = v.opt("now").and_then(Value::as_str) {
        flag("now", t.to_owned());
    }
    if let Some(m) = v.opt("max_age") {
        flag("max-age", crate::jsonx::compact(m));
    }
    for (k, f) in [
        ("policy_hash", "policy-hash"),
        ("catalog_hash", "catalog-hash"),
        ("gateway_measurement", "gateway-measurement"),
        ("gateway_digest", "gateway-digest"),
        ("trusted_key", "trusted-key"),
    ] {
        if let Some(x) = v.opt(k).and_then(Value::as_str) {
            flag(f, x.to_owned());
        }
    }
    for m in str_list(v.opt("launch_measurements")) {
        flag("launch-measurement", m);
    }
    if let Some(Value::Object(keys)) = v.opt("evidence_keys") {
        for (id, key) in keys.iter() {
            flag(
                "evidence-key",
                format!("{id}={}", key.as_str().unwrap_or("")),
            );
        }
    }
    for (k, f) in [
        ("manifest_keys", "manifest-key"),
        ("controller_keys", "controller-key"),
    ] {
        if let Some(Value::Object(keys)) = v.opt(k) {
            for (id, key) in keys.iter() {
                flag(f, format!("{id}={}", key.as_str().unwrap_or("")));
            }
        }
    }
    if let Some(m) = v.opt("max_receipt_age") {
        flag("max-receipt-age", crate::jsonx::compact(m));
    }
    for (k, f) in [
        ("call_id", "call-id"),
        ("session_id", "session-id"),
        (
            "expected_previous_receipt_hash",
            "expected-previous-receipt-hash",
        ),
    ] {
        if let Some(x) = v.opt(k).and_then(Value::as_str) {
            flag(f, x.to_owned());
        }
    }
    match v.opt("trust_store").and_then(Value::as_str) {
        Some("builtin") => flag("trust-store", "builtin".into()),
        Some(p) => flag("trust-store", path(p)),
        None => {}
    }
    for (k, f) in [
        ("ark", "ark"),
        ("intel_root", "intel-root"),
        ("tpm_ca", "tpm-ca"),
    ] {
        for p in str_list(v.opt(k)) {
            flag(f, path(&p));
        }
    }
    for (k, f) in [
        ("policy", "policy"),
        ("collateral", "collateral"),
        ("pcrs", "pcrs"),
        ("event_log", "event-log"),
        ("nv_certify", "nv-certify"),
        ("crl", "crl"),
        ("agent_manifest", "agent-manifest"),
    ] {
        if let Some(p) = v.opt(k).and_then(Value::as_str) {
            flag(f, path(p));
        }
    }
    for (k, f) in [
        ("allow_dev_subject", "--allow-dev-subject"),
        ("require_receipt", "--require-receipt"),
        ("refuse_self_report", "--refuse-self-report"),
    ] {
        if v.opt(k) == Some(&Value::Bool(true)) {
            a.push(f.to_owned());
        }
    }
    a
}

/// The evidence blobs of an `evidence` vector, in the order
/// `raw_evidence`, `quote_signature`, `cert_chain`, `ek_cert_chain`.
pub type Blobs = [Option<Vec<u8>>; 4];

const EVIDENCE_MEMBERS: [&str; 4] = [
    "raw_evidence",
    "quote_signature",
    "cert_chain",
    "ek_cert_chain",
];

/// Every path named inside an assembled `inputs.evidence` object.
fn evidence_paths(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(p) => out.push(p.clone()),
        Value::Array(a) => a.iter().for_each(|x| evidence_paths(x, out)),
        Value::Object(o) => o.iter().for_each(|(_, x)| evidence_paths(x, out)),
        _ => {}
    }
}

/// The paths of an assembled evidence object (empty when `inputs.evidence` is a path).
pub fn assembled_evidence_paths(v: &Vector) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(e @ Value::Object(_)) = get(&v.doc, &["inputs", "evidence"]) {
        evidence_paths(e, &mut out);
    }
    out
}

fn pem_of_der(der: &[u8]) -> Vec<u8> {
    let b64 = cmcp_verify::json::encoding::b64_encode(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(&String::from_utf8_lossy(chunk));
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s.into_bytes()
}

fn der_tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = body.len();
    if n < 0x80 {
        out.push(u8::try_from(n).unwrap_or(0));
    } else if n < 0x100 {
        out.push(0x81);
        out.push(u8::try_from(n).unwrap_or(0));
    } else {
        out.push(0x82);
        out.extend(u16::try_from(n).unwrap_or(0).to_be_bytes());
    }
    out.extend_from_slice(body);
    out
}

/// The RSA SubjectPublicKeyInfo PEM of a big-endian modulus and exponent.
fn rsa_spki_pem(n: &[u8], e: &[u8]) -> String {
    let unsigned = |b: &[u8]| {
        let mut v: Vec<u8> = b.iter().copied().skip_while(|x| *x == 0).collect();
        if v.first().is_none_or(|x| x & 0x80 != 0) {
            v.insert(0, 0);
        }
        der_tlv(0x02, &v)
    };
    let key = der_tlv(0x30, &[unsigned(n), unsigned(e)].concat());
    let mut bits = vec![0u8];
    bits.extend(key);
    let alg = der_tlv(
        0x30,
        &[
            der_tlv(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
            ),
            vec![0x05, 0x00],
        ]
        .concat(),
    );
    let spki = der_tlv(0x30, &[alg, der_tlv(0x03, &bits)].concat());
    let b64 = cmcp_verify::json::encoding::b64_encode(&spki);
    let mut s = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(&String::from_utf8_lossy(chunk));
        s.push('\n');
    }
    s.push_str("-----END PUBLIC KEY-----\n");
    s
}

fn le32_at(b: &[u8], off: usize) -> Option<usize> {
    let s = b.get(off..off.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes(s.try_into().ok()?)).ok()
}

/// The `HCLAkPub` (n, e) of an Azure runtime_data JSON.
fn hcl_ak(runtime_data: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    use cmcp_verify::json::encoding::b64u_decode;
    let v = parse(runtime_data).map_err(|e| format!("runtime_data: {e}"))?;
    let keys = v
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("runtime_data has no keys")?;
    let k = keys
        .iter()
        .find(|k| k.get("kid").and_then(Value::as_str) == Some("HCLAkPub"))
        .ok_or("runtime_data has no HCLAkPub")?;
    let part = |name: &str| {
        k.get(name)
            .and_then(Value::as_str)
            .and_then(|t| b64u_decode(t).ok())
            .ok_or_else(|| format!("HCLAkPub.{name} is not base64url"))
    };
    Ok((part("n")?, part("e")?))
}

/// Assembles an Azure CVM envelope from an HCL report blob (fixture) and
/// the quote files: `{hcl_file, quote_msg_file, quote_sig_file}`; the AK PEM
/// is derived from the HCL's own `HCLAkPub`, so the AK binding holds.
fn azure_envelope(root: &Path, v: &Vector, spec: &Value) -> Result<Vec<u8>, String> {
    use cmcp_verify::json::encoding::b64_encode;
    let file = |k: &str| {
        spec.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("azure_envelope.{k} missing"))
            .and_then(|p| read(root, v, p))
    };
    let hcl = file("hcl_file")?;
    let report = hcl.get(0x20..0x4C0).ok_or("HCL report too short")?;
    let n = le32_at(&hcl, 0x4D0).ok_or("HCL report too short")?;
    let rd = 0x4D4usize
        .checked_add(n)
        .and_then(|end| hcl.get(0x4D4..end))
        .ok_or("HCL variable data overruns")?;
    let (an, ae) = hcl_ak(rd)?;
    let mut members = vec![
        ("snp_report", crate::jsonx::s(&b64_encode(report))),
        ("runtime_data", crate::jsonx::s(&b64_encode(rd))),
        (
            "quote_msg",
            crate::jsonx::s(&b64_encode(&file("quote_msg_file")?)),
        ),
        (
            "quote_sig",
            crate::jsonx::s(&b64_encode(&file("quote_sig_file")?)),
        ),
        ("ak_pub_pem", crate::jsonx::s(&rsa_spki_pem(&an, &ae))),
    ];
    if spec.get("vcek_chain_file").is_some() {
        members.push((
            "vcek_chain_pem",
            crate::jsonx::s(&b64_encode(&file("vcek_chain_file")?)),
        ));
    }
    Ok(crate::jsonx::compact(&crate::jsonx::obj(members)).into_bytes())
}

/// One assembled member: `{"file": P}` raw bytes, `{"hex_file": P}` hex
/// text, `{"pem_files": [P..]}` certificates concatenated leaf first (DER
/// files converted to PEM), `{"azure_envelope": {..}}`.
/// `{"file": P}` with optional edits: `"tpm2b": true` (a big-endian u16
/// size prefix) then `"flip": [offset, xor]` (offset into the result).
fn edited_file(root: &Path, v: &Vector, spec: &Value, p: &str) -> Result<Vec<u8>, String> {
    let mut b = read(root, v, p)?;
    if spec.get("tpm2b") == Some(&Value::Bool(true)) {
        let n = u16::try_from(b.len()).map_err(|_| "tpm2b: too long".to_owned())?;
        let mut w = n.to_be_bytes().to_vec();
        w.extend(b);
        b = w;
    }
    if let Some(f) = spec.get("flip").and_then(Value::as_array) {
        let n = |i: usize| {
            f.get(i)
                .and_then(Value::as_int)
                .and_then(|x| x.as_u64())
                .and_then(|x| usize::try_from(x).ok())
        };
        let (Some(at), Some(x)) = (n(0), n(1).and_then(|x| u8::try_from(x).ok())) else {
            return Err("flip must be [offset, xor]".into());
        };
        let c = b
            .get_mut(at)
            .ok_or_else(|| format!("flip offset {at} out of range"))?;
        *c ^= x;
    }
    Ok(b)
}

fn assemble_member(root: &Path, v: &Vector, spec: &Value) -> Result<Vec<u8>, String> {
    if let Some(p) = spec.get("file").and_then(Value::as_str) {
        return edited_file(root, v, spec, p);
    }
    if let Some(p) = spec.get("hex_file").and_then(Value::as_str) {
        let text = read(root, v, p)?;
        let t: String = String::from_utf8_lossy(&text)
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        return hex_decode(&t).map_err(|_| format!("{p}: not hex"));
    }
    if let Some(a) = spec.get("pem_files").and_then(Value::as_array) {
        let mut out = Vec::new();
        for p in a.iter().filter_map(Value::as_str) {
            let b = read(root, v, p)?;
            if b.starts_with(b"-----") {
                out.extend(b);
            } else {
                out.extend(pem_of_der(&b));
            }
        }
        return Ok(out);
    }
    if let Some(az) = spec.get("azure_envelope") {
        return azure_envelope(root, v, az);
    }
    Err("evidence member: expected file, hex_file, pem_files or azure_envelope".into())
}

/// The evidence blobs of a vector whose `inputs.evidence` is an object
/// assembled at run time from named files (so fixtures are never copied).
pub fn assemble_evidence(root: &Path, v: &Vector) -> Result<Option<Blobs>, String> {
    let Some(Value::Object(o)) = get(&v.doc, &["inputs", "evidence"]) else {
        return Ok(None);
    };
    let mut out: Blobs = [None, None, None, None];
    for (k, spec) in o.iter() {
        let slot = EVIDENCE_MEMBERS
            .iter()
            .position(|m| *m == k)
            .ok_or_else(|| format!("unknown evidence member {k}"))?;
        if let Some(x) = out.get_mut(slot) {
            *x = Some(assemble_member(root, v, spec)?);
        }
    }
    Ok(Some(out))
}

/// The `gateway.attestation_evidence`-shaped JSON (base64url members) of assembled blobs.
pub fn blobs_json(b: &Blobs) -> Vec<u8> {
    let members: Vec<(&str, Value)> = EVIDENCE_MEMBERS
        .iter()
        .zip(b.iter())
        .filter_map(|(k, x)| {
            x.as_ref().map(|d| {
                (
                    *k,
                    crate::jsonx::s(&cmcp_verify::json::encoding::b64u_encode(d)),
                )
            })
        })
        .collect();
    crate::jsonx::compact(&crate::jsonx::obj(members)).into_bytes()
}
