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
    for k in ["claim", "bundle", "evidence"] {
        if let Some(p) = v.input(k) {
            out.push(p);
        }
    }
    for k in ["ark", "intel_root", "tpm_ca"] {
        if let Some(a) = v.opt(k).and_then(Value::as_array) {
            out.extend(a.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    for k in ["policy", "trust_store", "collateral", "pcrs", "event_log"] {
        if let Some(p) = v.opt(k).and_then(Value::as_str)
            && p != "builtin"
        {
            out.push(p.to_owned());
        }
    }
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
    ] {
        if let Some(p) = v.opt(k).and_then(Value::as_str) {
            let bytes = read(root, v, p)?;
            o.platform_inputs
                .entry(name.to_owned())
                .or_default()
                .push(bytes);
        }
    }
    Ok(o)
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
    ] {
        if let Some(p) = v.opt(k).and_then(Value::as_str) {
            flag(f, path(p));
        }
    }
    a
}
