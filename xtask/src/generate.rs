//! `gen-vectors`: builds every synthetic conformance vector from fixed seeds
//! and keys. Each vector states the contract expectation by hand (status,
//! failure code, the ledger outcomes that matter, bundle failure codes); the
//! generator runs it through the façade, refuses to write a vector whose
//! hand-written expectation the verifier does not meet (unless the vector is
//! `pending`), and snapshots the full field sets and exit code so that any
//! later change of verdict is caught.

mod cases;
mod receipts;
mod snp;
mod tdx;
mod tpm;

use crate::jsonx::{get, obj, pretty, s, strs};
use crate::run::{Actual, bundle_codes, compare};
use cmcp_verify::json::{Value, parse};
use cmcp_verify::output;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// Default verification time of synthetic vectors.
pub const NOW: &str = "2026-12-01T00:00:00Z";

/// One vector under construction.
pub struct Vb {
    id: String,
    description: String,
    spec: String,
    tags: Vec<String>,
    command: &'static str,
    claim: Option<Vec<u8>>,
    bundle: Option<Vec<u8>>,
    options: Vec<(String, Value)>,
    expect: Vec<(String, Value)>,
    ledger: Vec<(String, Value)>,
    details: Vec<(String, Value)>,
    pending: Option<String>,
    divergence: Option<Value>,
    /// `evidence` command: platform and nonce hex.
    evidence_target: Option<(String, String)>,
    /// `inputs.evidence`: a file name written beside vector.json, or an
    /// object assembled at run time from named (fixture) files.
    evidence: Option<Value>,
    /// Extra input files written beside vector.json (roots, policy, …).
    files: Vec<(String, Vec<u8>)>,
    /// Named inputs (`receipt`, `entry`, `payload`) and the file each names.
    named_inputs: Vec<(String, String)>,
}

impl Vb {
    /// A claim-command vector with the default pins and time.
    pub fn new(id: &str, description: &str, spec: &str, tags: &[&str]) -> Vb {
        Vb {
            id: id.into(),
            description: description.into(),
            spec: spec.into(),
            tags: std::iter::once("synthetic")
                .chain(tags.iter().copied())
                .map(str::to_owned)
                .collect(),
            command: "claim",
            claim: None,
            bundle: None,
            options: vec![
                ("now".into(), s(NOW)),
                (
                    "policy_hash".into(),
                    s(&format!("sha256:{}", "ab".repeat(32))),
                ),
                (
                    "catalog_hash".into(),
                    s(&format!("sha256:{}", "cd".repeat(32))),
                ),
            ],
            expect: Vec::new(),
            ledger: Vec::new(),
            details: Vec::new(),
            pending: None,
            divergence: None,
            evidence_target: None,
            evidence: None,
            files: Vec::new(),
            named_inputs: Vec::new(),
        }
    }
    /// Uses the `receipt` command of `kind` (`execution`, `embodied`,
    /// `kill-switch`, `action`); claim-only pins are dropped.
    pub fn receipt_cmd(mut self, kind: &str) -> Vb {
        self.command = "receipt";
        self.options
            .retain(|(n, _)| n != "policy_hash" && n != "catalog_hash");
        self.opt("kind", s(kind))
    }
    /// A named JSON input (`receipt`, `entry`, `payload`) written beside
    /// vector.json as `<name>.json`.
    pub fn input(mut self, name: &str, v: &Value) -> Vb {
        let file = format!("{name}.json");
        self.named_inputs.retain(|(n, _)| n != name);
        self.named_inputs.push((name.into(), file.clone()));
        self.file(&file, pretty(v).into_bytes())
    }
    /// Uses the `evidence` command for `platform` with the nonce in hex
    /// (claim-only pins are dropped: the CLI refuses them there).
    pub fn evidence_cmd(mut self, platform: &str, nonce_hex: &str) -> Vb {
        self.command = "evidence";
        self.options
            .retain(|(n, _)| n != "policy_hash" && n != "catalog_hash");
        self.evidence_target = Some((platform.into(), nonce_hex.into()));
        self
    }
    /// Evidence file bytes (raw evidence, or a JSON object with base64url
    /// members), written beside vector.json.
    pub fn evidence_bytes(mut self, b: impl Into<Vec<u8>>) -> Vb {
        let b = b.into();
        let json = b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{');
        let name = if json {
            "evidence.json"
        } else {
            "evidence.bin"
        };
        self.files
            .retain(|(n, _)| n != "evidence.json" && n != "evidence.bin");
        self.files.push((name.into(), b));
        self.evidence = Some(s(name));
        self
    }
    /// Evidence assembled at run time from named files (see
    /// `vector::assemble_evidence`), so fixtures are named, never copied.
    pub fn evidence_parts(mut self, parts: Value) -> Vb {
        self.evidence = Some(parts);
        self
    }
    /// An extra input file written beside vector.json.
    pub fn file(mut self, name: &str, b: impl Into<Vec<u8>>) -> Vb {
        self.files.retain(|(n, _)| n != name);
        self.files.push((name.into(), b.into()));
        self
    }
    /// An appraisal policy file (`policy.json`) and the option naming it.
    pub fn policy(self, json: &str) -> Vb {
        self.file("policy.json", json.as_bytes().to_vec())
            .opt("policy", s("policy.json"))
    }
    /// Uses the `bundle` command.
    pub fn bundle_cmd(mut self) -> Vb {
        self.command = "bundle";
        self
    }
    /// Claim input bytes.
    pub fn claim_bytes(mut self, b: impl Into<Vec<u8>>) -> Vb {
        self.claim = Some(b.into());
        self
    }
    /// Claim input value (written pretty).
    pub fn claim(self, v: &Value) -> Vb {
        self.claim_bytes(pretty(v))
    }
    /// Bundle input bytes.
    pub fn bundle_bytes(mut self, b: impl Into<Vec<u8>>) -> Vb {
        self.bundle = Some(b.into());
        self
    }
    /// Bundle input value.
    pub fn bundle(self, v: &Value) -> Vb {
        self.bundle_bytes(pretty(v))
    }
    /// Sets (or with `Value::Null` removes) an option.
    pub fn opt(mut self, k: &str, v: Value) -> Vb {
        self.options.retain(|(n, _)| n != k);
        if !v.is_null() {
            self.options.push((k.into(), v));
        }
        self
    }
    /// Expected status and failure reason.
    pub fn st(mut self, status: &str, code: Option<&str>) -> Vb {
        self.expect.push(("status".into(), s(status)));
        self.expect
            .push(("failure_reason".into(), code.map_or(Value::Null, s)));
        self
    }
    /// Expected combined ledger outcome of a field (`"absent"` = not recorded).
    pub fn l(mut self, field: &str, outcome: &str) -> Vb {
        let v = if outcome == "absent" {
            Value::Null
        } else {
            s(outcome)
        };
        self.ledger.push((field.into(), v));
        self
    }
    /// Expected details member.
    pub fn d(mut self, k: &str, v: &str) -> Vb {
        self.details.push((k.into(), s(v)));
        self
    }
    /// Expected bundle failure codes, in order.
    pub fn bc(mut self, codes: &[&str]) -> Vb {
        self.expect
            .push(("bundle_failure_codes".into(), strs(codes)));
        self
    }
    /// Marks the vector pending (a suspected verifier bug).
    #[allow(dead_code)] // used when a vector is retired: ids are never reused
    pub fn pending(mut self, why: &str) -> Vb {
        self.pending = Some(why.into());
        self
    }
    /// Records a divergence from the reference.
    pub fn div(mut self, quirk: &str, reference: &str, note: &str) -> Vb {
        self.divergence = Some(obj(vec![
            ("quirk", s(quirk)),
            ("reference_verdict", s(reference)),
            ("note", s(note)),
        ]));
        self
    }
}

/// `inputs` of the vector document.
fn inputs_of(v: &Vb) -> Vec<(String, Value)> {
    let mut inputs: Vec<(String, Value)> = Vec::new();
    if let Some((platform, nonce)) = &v.evidence_target {
        inputs.push(("platform".into(), s(platform)));
        if let Some(e) = &v.evidence {
            inputs.push(("evidence".into(), e.clone()));
        }
        inputs.push(("nonce".into(), s(nonce)));
        return inputs;
    }
    if v.claim.is_some() {
        inputs.push(("claim".into(), s("claim.json")));
    }
    if v.bundle.is_some() {
        inputs.push(("bundle".into(), s("bundle.json")));
    }
    for (name, file) in &v.named_inputs {
        inputs.push((name.clone(), s(file)));
    }
    inputs
}

/// Runs a vector with input files through the conformance runner's façade
/// path, from a scratch copy of its folder under target/.
fn run_from_files(v: &Vb) -> Result<Actual, String> {
    let root = crate::repo_root();
    let dir = root.join("target/xtask-gen").join(&v.id);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<(String, Vec<u8>)> = v.files.clone();
    if let Some(c) = &v.claim {
        files.push(("claim.json".into(), c.clone()));
    }
    if let Some(b) = &v.bundle {
        files.push(("bundle.json".into(), b.clone()));
    }
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).map_err(|e| format!("{name}: {e}"))?;
    }
    let doc = Value::Object(cmcp_verify::json::Object::from_members(vec![
        ("id".into(), s(&v.id)),
        ("command".into(), s(v.command)),
        (
            "inputs".into(),
            Value::Object(cmcp_verify::json::Object::from_members(inputs_of(v))),
        ),
        (
            "options".into(),
            Value::Object(cmcp_verify::json::Object::from_members(v.options.clone())),
        ),
    ]));
    let vec = crate::vector::Vector {
        id: v.id.clone(),
        dir,
        doc,
    };
    if crate::vector::fixture_absent(&root, &vec) {
        return Err("names a fixture but ../shared/fixtures is absent".into());
    }
    Ok(crate::run::run_facade(&root, &vec))
}

fn run_in_memory(v: &Vb) -> Result<Actual, String> {
    if matches!(v.command, "evidence" | "receipt") || !v.files.is_empty() || v.evidence.is_some() {
        return run_from_files(v);
    }
    let doc = obj(vec![(
        "options",
        Value::Object(cmcp_verify::json::Object::from_members(v.options.clone())),
    )]);
    let vec = crate::vector::Vector {
        id: v.id.clone(),
        dir: Path::new(".").into(),
        doc,
    };
    let opts = crate::vector::facade_options(Path::new("."), &vec)?;
    let ver = crate::run::verifier(&opts)?;
    let r = match v.command {
        "bundle" => ver.verify_bundle(
            v.bundle.as_deref().unwrap_or_default(),
            v.claim.as_deref(),
            &opts,
        ),
        _ => ver.verify_claim(
            v.claim.as_deref().unwrap_or_default(),
            v.bundle.as_deref(),
            &opts,
        ),
    };
    Ok(Actual {
        json: Some(output::to_json(&r)),
        exit: i64::from(r.status.exit_code()),
        error: None,
    })
}

/// True when the vector names a `fixture:` path (evidence parts or options).
fn names_fixture(v: &Vb) -> bool {
    fn any(v: &Value) -> bool {
        match v {
            Value::String(p) => p.starts_with("fixture:") || p.starts_with("../shared/fixtures/"),
            Value::Array(a) => a.iter().any(any),
            Value::Object(o) => o.iter().any(|(_, x)| any(x)),
            _ => false,
        }
    }
    v.evidence.as_ref().is_some_and(any) || v.options.iter().any(|(_, x)| any(x))
}

fn hand_expect(v: &Vb) -> Value {
    let mut m: Vec<(String, Value)> = Vec::new();
    let mut bundle: Vec<(String, Value)> = Vec::new();
    for (k, val) in &v.expect {
        if k == "bundle_failure_codes" {
            bundle.push(("failure_codes".into(), val.clone()));
        } else {
            m.push((k.clone(), val.clone()));
        }
    }
    if !v.ledger.is_empty() {
        m.push((
            "ledger".into(),
            Value::Object(cmcp_verify::json::Object::from_members(v.ledger.clone())),
        ));
    }
    if !v.details.is_empty() {
        m.push((
            "details".into(),
            Value::Object(cmcp_verify::json::Object::from_members(v.details.clone())),
        ));
    }
    if !bundle.is_empty() {
        m.push((
            "bundle".into(),
            Value::Object(cmcp_verify::json::Object::from_members(bundle)),
        ));
    }
    Value::Object(cmcp_verify::json::Object::from_members(m))
}

/// All generated files: `(path relative to the repo root, content)`.
pub struct Out {
    /// Files.
    pub files: Vec<(String, Vec<u8>)>,
    /// Vectors whose hand expectation the verifier does not meet.
    pub errors: Vec<String>,
    /// Ids seen.
    pub ids: BTreeMap<String, ()>,
    /// Reference verdicts recorded in conformance/reference-verdicts.json.
    pub reference: Option<Value>,
    /// DIVERGENCES.md table rows.
    pub divergences: Vec<String>,
}

fn verdict_text(status: Option<&Value>, code: Option<&Value>) -> String {
    let st = status.and_then(Value::as_str).unwrap_or("?");
    match code.and_then(Value::as_str) {
        Some(c) => format!("{st} / {c}"),
        None => format!("{st} / null"),
    }
}

fn reference_text(r: &Value) -> String {
    let mut parts = Vec::new();
    if r.get("status").is_some() {
        parts.push(verdict_text(r.get("status"), r.get("failure_reason")));
    }
    if let Some(c) = r.get("claim_crash").and_then(Value::as_str) {
        parts.push(format!("crash ({c})"));
    }
    if let Some(b) = r.get("bundle") {
        let n = b
            .get("failures")
            .and_then(Value::as_array)
            .map_or(0, <[Value]>::len);
        parts.push(format!(
            "bundle verified={} ({n} failures)",
            crate::jsonx::compact(b.get("verified").unwrap_or(&Value::Null))
        ));
    }
    if let Some(c) = r.get("bundle_crash").and_then(Value::as_str) {
        parts.push(format!("bundle crash ({c})"));
    }
    if let Some(e) = r.get("error").and_then(Value::as_str) {
        parts.push(format!("not loadable ({e})"));
    }
    parts.join("; ")
}

impl Out {
    /// Finishes a vector: checks, snapshots, and emits its files.
    pub fn add(&mut self, v: Vb) {
        if self.ids.insert(v.id.clone(), ()).is_some() {
            self.errors.push(format!("{}: duplicate id", v.id));
        }
        let hand = hand_expect(&v);
        // A vector naming a third-party fixture keeps only its hand-written
        // expectation (so the written file does not depend on whether the
        // fixture folder is present); it is still checked when it is.
        let names_fixture = names_fixture(&v);
        let fixtures_present = crate::vector::fixtures_dir(&crate::repo_root()).is_dir();
        let actual = if names_fixture && !fixtures_present {
            Actual {
                json: None,
                exit: 0,
                error: None,
            }
        } else {
            match run_in_memory(&v) {
                Ok(a) => a,
                Err(e) => {
                    self.errors.push(format!("{}: {e}", v.id));
                    return;
                }
            }
        };
        let mismatch = if names_fixture && !fixtures_present {
            None
        } else {
            compare(&hand, &actual)
        };
        let mut expect: Vec<(String, Value)> = Vec::new();
        let json = actual.json.clone().unwrap_or(Value::Null);
        let hand_members = hand
            .as_object()
            .map(|o| o.members().to_vec())
            .unwrap_or_default();
        if names_fixture && v.pending.is_none() {
            if let Some(m) = &mismatch {
                self.errors.push(format!("{}: {m}", v.id));
            }
            expect = hand_members.clone();
            let exit = match hand.get("status").and_then(Value::as_str) {
                Some("verified") => 0,
                Some("partially_verified") => 1,
                _ => 2,
            };
            expect.push(("exit_code".into(), crate::jsonx::int(exit)));
        } else if v.pending.is_none() {
            if let Some(m) = &mismatch {
                self.errors.push(format!("{}: {m}", v.id));
            }
            for (k, val) in &hand_members {
                if k != "ledger" && k != "details" && k != "bundle" {
                    expect.push((k.clone(), val.clone()));
                }
            }
            expect.push(("exit_code".into(), crate::jsonx::int(actual.exit)));
            for k in ["verified_fields", "unverified_fields", "not_checked_fields"] {
                expect.push((k.into(), json.get(k).cloned().unwrap_or(Value::Null)));
            }
            for (k, val) in &hand_members {
                if k == "ledger" || k == "details" {
                    expect.push((k.clone(), val.clone()));
                }
            }
            if json.get("bundle").is_some() {
                expect.push((
                    "bundle".into(),
                    obj(vec![
                        (
                            "verified",
                            get(&json, &["bundle", "verified"])
                                .cloned()
                                .unwrap_or(Value::Null),
                        ),
                        (
                            "entry_count",
                            get(&json, &["bundle", "entry_count"])
                                .cloned()
                                .unwrap_or(Value::Null),
                        ),
                        ("failure_codes", strs(&bundle_codes(&json))),
                    ]),
                ));
            }
        } else {
            expect = hand_members.clone();
            let exit = match hand.get("status").and_then(Value::as_str) {
                Some("verified") => 0,
                Some("partially_verified") => 1,
                _ => 2,
            };
            expect.push(("exit_code".into(), crate::jsonx::int(exit)));
        }
        let dir = format!("conformance/vectors/{}", v.id);
        let inputs = inputs_of(&v);
        if let Some(c) = &v.claim {
            self.files.push((format!("{dir}/claim.json"), c.clone()));
        }
        if let Some(b) = &v.bundle {
            self.files.push((format!("{dir}/bundle.json"), b.clone()));
        }
        for (name, bytes) in &v.files {
            self.files.push((format!("{dir}/{name}"), bytes.clone()));
        }
        let mut doc: Vec<(String, Value)> = vec![
            ("id".into(), s(&v.id)),
            ("description".into(), s(&v.description)),
            ("spec".into(), s(&v.spec)),
            ("tags".into(), strs(&v.tags)),
            ("command".into(), s(v.command)),
            (
                "inputs".into(),
                Value::Object(cmcp_verify::json::Object::from_members(inputs)),
            ),
            (
                "options".into(),
                Value::Object(cmcp_verify::json::Object::from_members(v.options.clone())),
            ),
            (
                "expect".into(),
                Value::Object(cmcp_verify::json::Object::from_members(expect)),
            ),
        ];
        if let Some(p) = &v.pending {
            doc.push(("pending".into(), s(p)));
        }
        if let Some(d) = &v.divergence {
            doc.push(("divergence".into(), d.clone()));
        }
        let reference = self.reference.as_ref().and_then(|r| r.get(&v.id)).cloned();
        if let Some(r) = &reference {
            doc.push(("reference".into(), r.clone()));
        }
        let ours = verdict_text(hand.get("status"), hand.get("failure_reason"));
        let ref_text = reference.as_ref().map(reference_text).unwrap_or_default();
        let differs = reference.as_ref().is_some_and(|r| {
            r.get("status") != hand.get("status")
                || r.get("failure_reason").unwrap_or(&Value::Null)
                    != hand.get("failure_reason").unwrap_or(&Value::Null)
                || r.get("claim_crash").is_some()
                || get(r, &["bundle", "verified"])
                    .is_some_and(|b| Some(b) != get(&json, &["bundle", "verified"]))
        });
        if v.divergence.is_some() || differs {
            let (quirk, note) = match &v.divergence {
                Some(d) => (
                    crate::jsonx::get_str(d, &["quirk"]),
                    crate::jsonx::get_str(d, &["note"]),
                ),
                None => (
                    "README-2".to_owned(),
                    "status rule: any failure is unverified (Q1) / strict checks".to_owned(),
                ),
            };
            self.divergences.push(format!(
                "| {} | {quirk} | {ours} | {} | {} |",
                v.id,
                if ref_text.is_empty() {
                    "(not recorded)".to_owned()
                } else {
                    ref_text.replace('|', "/")
                },
                format!("{}. {note}", v.description).replace('|', "/")
            ));
        }
        self.files.push((
            format!("{dir}/vector.json"),
            pretty(&Value::Object(cmcp_verify::json::Object::from_members(doc))).into_bytes(),
        ));
    }
}

/// Writes (or checks) every synthetic vector.
pub fn gen_vectors(root: &Path, check: bool) -> Result<ExitCode, String> {
    let reference = std::fs::read(root.join("conformance/reference-verdicts.json"))
        .ok()
        .and_then(|b| parse(&b).ok());
    let mut out = Out {
        files: Vec::new(),
        errors: Vec::new(),
        ids: BTreeMap::new(),
        reference,
        divergences: Vec::new(),
    };
    cases::all(&mut out);
    receipts::all(&mut out);
    snp::all(&mut out);
    tdx::all(&mut out);
    tpm::all(&mut out);
    if !out.errors.is_empty() {
        for e in &out.errors {
            eprintln!("expectation not met: {e}");
        }
        return Err(format!(
            "{} vectors do not meet their hand-written expectation",
            out.errors.len()
        ));
    }
    let mut md = String::from(DIVERGENCES_HEAD);
    for r in &out.divergences {
        md.push_str(r);
        md.push('\n');
    }
    md.push_str(DIVERGENCES_TAIL);
    out.files
        .push(("conformance/DIVERGENCES.md".into(), md.into_bytes()));
    let files: Vec<(&str, &[u8])> = out
        .files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    let mut changed = crate::write_files(root, &files, check)?;
    // Stale generated vectors (folders no longer produced) also count as a change.
    let vdir = root.join("conformance/vectors");
    if let Ok(rd) = std::fs::read_dir(&vdir) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let generated = std::fs::read_to_string(e.path().join("vector.json"))
                .is_ok_and(|t| t.contains("\"synthetic\""));
            if !out.ids.contains_key(&name) && generated {
                changed.push(format!("conformance/vectors/{name} (no longer generated)"));
            }
        }
    }
    println!("{} synthetic vectors", out.ids.len());
    Ok(crate::report_changes(&changed, check))
}

const DIVERGENCES_HEAD: &str = "# Divergences from the reference verifier

Generated by `cargo xtask gen-vectors` — do not edit by hand; edit the vector's
`divergence` in `xtask/src/generate/cases.rs` instead.

Every row is a conformance vector whose verdict differs from the reference's
(cmcp-runtime 0.7.1), or that pins a reference quirk of
`claim-chain-receipts.md` §8. *Ours* is the expectation the suite enforces
(status / failure_reason); *Reference* is the reference's own verdict, computed
by `conformance/tools/reference_verdicts.py` and stored in
`conformance/reference-verdicts.json` (informative: the reference has no
`not pinned` notion, so unpinned hashes are passed to it as the claim's own
values, and its clock is frozen at the vector's `now`). The reason column is
the vector's description and the contract rule (README.md Decisions N, or §8 Qn).

General reasons, in the product contract's words:

* **Q1 / README Decisions 2** — any failed check makes the claim `unverified`; the
  reference reports `partially_verified` for everything but schema errors.
* **Q2, Q14, Q15 / Decisions 5, 6** — strict Ed25519 and canonical unpadded base64url;
  the reference accepts small-order keys and decodes base64 tolerantly.
* **Q7, Q22 / Decisions 4** — exact JSON types, duplicates/NaN/lone surrogates/trailing
  data rejected as `CLAIM_MALFORMED`.
* **Q8, Q9 / Decisions 7** — RFC 3339 with offset, bounded future skew, a claim that says
  `attestation_stale: true` (or outlives its own validity) is stale.
* **Q3 / Decisions 8** — a nonce that commits the gateway measurement instead of the
  root leaves `audit_chain_binding` not established rather than failed; TPM never
  establishes it.
* **Q10, Q11** — the bundle verifier checks sequence numbers, chain start, the claim's
  authenticity, strict receipts.

| vector | rule | ours | reference | reason |
|---|---|---|---|---|
";

const DIVERGENCES_TAIL: &str = "
## Attestation layers

Pinned by the fixture vectors named, and by each crate's own tests (named in
brackets) until the platform vector families land.

| where | ours | reference | reason | pinned by |
|---|---|---|---|---|
| TDX PCK chain | the pinned Intel root is appended only when the presented chain does not already end with it | always appends it, so every genuine quote fails `pck_chain_invalid` | Decisions 11 | CV-FIX-0004 |
| TDX quote location | read from `gateway.attestation_evidence.raw_evidence` (quote v4/v5 or bare TDREPORT) | read from `trace.runtime.raw_quote`, which the schema forbids | Decisions 9, Q5 | CV-FIX-0004, [cmcp-tdx tests/verifier.rs] |
| TDX network | no network I/O; collateral is an input | probes Intel's service during verification | Decisions 10, Q5 | [cmcp-tdx] |
| TDX appraisal | debug TD refused, TCB status from collateral, QE identity, CRLs | none | Decisions 12 | [cmcp-tdx tests/synthetic.rs, collateral_fixtures.rs] |
| SNP signature | ECDSA over the raw report bytes 0x000–0x2A0; non-zero R/S padding refused; report exactly 1184 bytes | verifies a flipped padding byte | sev-snp.md §11 | [cmcp-sev-snp tests/signature_fixtures.rs] |
| SNP VCEK extensions | TCB SPLs, hwID and product must agree with the report | not checked | go-sev-guest parity | [cmcp-sev-snp tests/synthetic.rs] |
| SNP appraisal | safe defaults: debug guests and unknown POLICY bits refused | only an optional PLATFORM_INFO gate | Decisions 12 | [cmcp-sev-snp tests/appraise_knobs.rs] |
| absent evidence (SNP, Azure, TDX, TPM) | `hardware_attestation` not established (partially verified) | `no_raw_evidence` failure (SNP, Azure, TDX) | contract: missing ⇒ not established | CV-HW-0001 |
| TPM framing | signature verified over the inner TPMS_ATTEST, bare or TPM2B | verifies over whatever framing arrived | tpm.md | [cmcp-tpm tests/authenticate_fixtures.rs] |
| TPM hashes | SHA-1 refused unless the policy allows it | accepted | issue policy | [cmcp-tpm] |
| TPM audit root | `audit_chain_binding` not established (a quote carries only `nonce[0:32]`) | reported verified | Decisions 8 | CV-HW (tpm2 vectors) |
| X.509 roots | roots must be self-signed and their self-signature verify; leaves may not be CAs; SHA-1 refused | fingerprint pin only | fail closed | [cmcp-x509 tests/synthetic.rs] |
| execution receipts | exactly six string members; the entry must have a call id; digests 64/96 hex | extra members allowed; null `linked_call_id` matches null `call_id`; any hex length | Q11 | CV-RCPT-0004..0016 |
| execution receipts without pinned keys | a receipt present with no `--evidence-key` is `not_established`; a misbound one still fails | skipped silently when keys are null | fail closed | CV-RCPT-0017 |
| embodied receipts | `accepted`/`rejected` only after the controller receipt verifies under a pinned key; `untrusted`, `stale` produced; the entry's receipt is authenticated first | classified from `verdict` alone; `untrusted`/`stale` never produced | Q12 | CV-RCPT-0030..0059 |
| kill-switch receipts | strict Ed25519; a receipt naming an agent fails when the claim has no identity | agent check skipped without identity | Q13 | CV-RCPT-0060..0072 |
| Agent Manifest | COSE v0.2 accepted and `issuer_key_id` compared with hex(kid); `manifest-dev` refused unless allowed; a v0.1 manifest with any string not in NFC refused; `crit` refused in either COSE header | COSE bytes crash the verifier; `issuer_key_id` is `\"\"`; dev subject enabled by the claim itself; an NFD re-spelling of a signed v0.1 manifest verifies; its SDK reads `crit` from the protected header only | Q4, Q18, §2.5 | CV-MANIFEST-0001..0016 |
| bundle command | the signing claim's own verdict is recorded (`audit_bundle.claim`): a software-only claim's bundle is partially verified | the claim is not checked | Q10 | CV-BUNDLE-0002, CV-BUNDLE-0061 |
| nonce bindings without hardware | `public_key_binding`, `audit_chain_binding`, `measurement_binding` are not established unless an authenticated report carries the nonce | reported verified from the claim's own nonce | fail closed | CV-HW-0001 |

Vectors that are `pending` (suspected verifier bugs) are listed in
`conformance/README.md`, not here: their expectation is what the contract
demands, which the verifier does not yet do.
";

/// Shared builders for the hardware families (`snp`, `tdx`, `tpm`).
pub mod hwkit {
    use crate::jsonx::{get_str, obj, s, set};
    use cmcp_testkit::{Call, Session, sign_claim};
    use cmcp_verify::claim::binding::{chain_root_commitment, thumbprint};
    use cmcp_verify::json::Value;
    use cmcp_verify::json::encoding::{b64u_encode, hex_decode, hex_encode};
    use ed25519_dalek::SigningKey;
    use std::path::PathBuf;

    const SEED: [u8; 32] = [0x11; 32];
    const SID: &str = "0b6f2d1e-4c3a-4f5e-8a7b-9c0d1e2f3a4b";

    /// The same session as the `CLAIM`/`HW` families.
    fn session() -> Session {
        Session::new(SEED, SID)
            .call(Call::new("github.search_issues", "allow"))
            .call(Call::new("payments.refund", "deny"))
            .call(Call::new("email.send", "advisory_deny"))
            .call(Call::new("filesystem.read_file", "redact"))
            .call(Call::new("db.query", "fault"))
    }

    /// The claim nonce of that session: key thumbprint ‖ SHA-256(chain root).
    pub fn claim_nonce() -> Vec<u8> {
        let (c, _) = session().build();
        let mut n = thumbprint(&get_str(&c, &["trace", "cnf", "jwk", "x"])).to_vec();
        let root = get_str(&c, &["gateway", "audit_chain", "root"]);
        n.extend_from_slice(&chain_root_commitment(&root).unwrap_or([0u8; 32]));
        n
    }

    /// `claim_nonce()` in hex.
    pub fn claim_nonce_hex() -> String {
        hex_encode(&claim_nonce())
    }

    /// A hardware claim: platform, measurement, the given nonce and the
    /// evidence members (raw bytes, base64url-encoded here), re-signed.
    pub fn claim(
        platform: &str,
        measurement: &str,
        nonce: &[u8],
        evidence: &[(&str, &[u8])],
    ) -> Value {
        let (mut c, _) = session().build();
        let rt = vec![
            ("platform", s(platform)),
            ("measurement", s(measurement)),
            ("nonce", s(&b64u_encode(nonce))),
            ("firmware_version", s("1.55.21")),
        ];
        set(&mut c, &["trace", "runtime"], Some(obj(rt)));
        if !evidence.is_empty() {
            let ev: Vec<(&str, Value)> = evidence
                .iter()
                .map(|(k, b)| (*k, s(&b64u_encode(b))))
                .collect();
            set(&mut c, &["gateway", "attestation_evidence"], Some(obj(ev)));
        }
        sign_claim(&mut c, &SigningKey::from_bytes(&SEED));
        c
    }

    /// `claim` generated at `at` (RFC 3339, also its `iat` = `iat_unix`),
    /// for evidence whose certificates start later than the default session time.
    pub fn claim_at(
        platform: &str,
        measurement: &str,
        nonce: &[u8],
        evidence: &[(&str, &[u8])],
        at: &str,
        iat_unix: i64,
    ) -> Value {
        let mut c = claim(platform, measurement, nonce, evidence);
        set(
            &mut c,
            &["gateway", "attestation_generated_at"],
            Some(s(at)),
        );
        set(&mut c, &["trace", "iat"], Some(crate::jsonx::int(iat_unix)));
        sign_claim(&mut c, &SigningKey::from_bytes(&SEED));
        c
    }

    /// A synthetic data file of a platform crate (`crates/<krate>/tests/data/<rel>`).
    pub fn data(krate: &str, rel: &str) -> Vec<u8> {
        let p: PathBuf = crate::repo_root()
            .join("crates")
            .join(krate)
            .join("tests/data")
            .join(rel);
        std::fs::read(&p).unwrap_or_else(|e| {
            eprintln!("xtask: cannot read {}: {e}", p.display());
            Vec::new()
        })
    }

    /// Hex text (whitespace ignored) to bytes; empty on error.
    pub fn unhex(t: &str) -> Vec<u8> {
        let t: String = t.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        hex_decode(&t).unwrap_or_default()
    }

    /// A copy of `b` with byte `i` XOR `x` (unchanged when out of range).
    pub fn flip(b: &[u8], i: usize, x: u8) -> Vec<u8> {
        let mut v = b.to_vec();
        if let Some(c) = v.get_mut(i) {
            *c ^= x;
        }
        v
    }

    /// The evidence JSON (base64url members) the `evidence` command reads.
    pub fn evidence_json(members: &[(&str, &[u8])]) -> Vec<u8> {
        let m: Vec<(&str, Value)> = members
            .iter()
            .map(|(k, b)| (*k, s(&b64u_encode(b))))
            .collect();
        crate::jsonx::pretty(&obj(m)).into_bytes()
    }
}
