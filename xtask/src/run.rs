//! `conformance`: runs every vector through the façade or the CLI binary and
//! compares the result with the vector's expectation.

use crate::jsonx::{compact, get, int, obj, s, strs};
use crate::vector::{
    Vector, assemble_evidence, blobs_json, cli_option_args, facade_options, fixture_absent,
    load_all, resolve,
};
use cmcp_verify::json::encoding::{b64u_decode, hex_decode};
use cmcp_verify::json::{Value, parse};
use cmcp_verify::{EvidenceInput, Verifier, output};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// What one run produced: the CLI JSON object (absent on a usage error) and the exit code.
#[derive(Clone, Debug)]
pub struct Actual {
    /// `--format json` object.
    pub json: Option<Value>,
    /// Exit status.
    pub exit: i64,
    /// Usage error text, if any.
    pub error: Option<String>,
}

/// How to run vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// In-process through `cmcp_verify::Verifier`.
    Facade,
    /// Through the `cmcp-verify` binary.
    Cli,
}

/// The verifier the runner uses: built exactly as the CLI builds it.
pub fn verifier(opts: &cmcp_verify::VerifyOptions) -> Result<Verifier, String> {
    Verifier::from_options(opts).map_err(|e| format!("{}: {e}", e.input.flag()))
}

fn usage_error(e: String) -> Actual {
    Actual {
        json: None,
        exit: 3,
        error: Some(e),
    }
}

fn read_input(root: &Path, v: &Vector, name: &str) -> Result<Option<Vec<u8>>, String> {
    match v.input(name) {
        None => Ok(None),
        Some(p) => {
            let (path, _) = resolve(root, &v.dir, &p);
            std::fs::read(&path)
                .map(Some)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        }
    }
}

use crate::vector::Blobs;

fn evidence_blobs(bytes: &[u8]) -> Result<Blobs, String> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Ok([Some(bytes.to_vec()), None, None, None]);
    }
    let v = parse(bytes).map_err(|e| format!("evidence JSON: {e}"))?;
    let o = v.as_object().ok_or("evidence JSON must be an object")?;
    let mut out: Blobs = [None, None, None, None];
    for (k, val) in o.iter() {
        let d = val
            .as_str()
            .and_then(|t| b64u_decode(t).ok())
            .ok_or_else(|| format!("evidence member {k} is not canonical base64url"))?;
        let slot = match k {
            "raw_evidence" => 0,
            "quote_signature" => 1,
            "cert_chain" => 2,
            "ek_cert_chain" => 3,
            other => return Err(format!("unknown evidence member {other}")),
        };
        if let Some(x) = out.get_mut(slot) {
            *x = Some(d);
        }
    }
    Ok(out)
}

/// Runs a vector in-process.
pub fn run_facade(root: &Path, v: &Vector) -> Actual {
    let opts = match facade_options(root, v) {
        Ok(o) => o,
        Err(e) => return usage_error(e),
    };
    let ver = match verifier(&opts) {
        Ok(v) => v,
        Err(e) => return usage_error(e),
    };
    let result = match v.command().as_str() {
        "claim" => {
            let claim = match read_input(root, v, "claim") {
                Ok(Some(c)) => c,
                Ok(None) => return usage_error("claim vector without inputs.claim".into()),
                Err(e) => return usage_error(e),
            };
            let bundle = match read_input(root, v, "bundle") {
                Ok(b) => b,
                Err(e) => return usage_error(e),
            };
            ver.verify_claim(&claim, bundle.as_deref(), &opts)
        }
        "bundle" => {
            let bundle = match read_input(root, v, "bundle") {
                Ok(Some(b)) => b,
                Ok(None) => return usage_error("bundle vector without inputs.bundle".into()),
                Err(e) => return usage_error(e),
            };
            let claim = match read_input(root, v, "claim") {
                Ok(c) => c,
                Err(e) => return usage_error(e),
            };
            ver.verify_bundle(&bundle, claim.as_deref(), &opts)
        }
        "evidence" => {
            let platform = v.input("platform").unwrap_or_default();
            let nonce = match hex_decode(&v.input("nonce").unwrap_or_default()) {
                Ok(n) if n.len() == 64 || (platform == "tpm2" && n.len() == 32) => n,
                _ => return usage_error("--nonce must be 64 bytes of hex".into()),
            };
            let blobs = match assemble_evidence(root, v) {
                Ok(Some(b)) => Ok(b),
                Ok(None) => match read_input(root, v, "evidence") {
                    // Read but not evidence-shaped: a verdict, as the CLI gives.
                    Ok(Some(b)) => match evidence_blobs(&b) {
                        Ok(x) => Ok(x),
                        Err(e) => {
                            let r = cmcp_verify::evidence_file_malformed(&e);
                            return Actual {
                                json: Some(output::to_json(&r)),
                                exit: i64::from(r.status.exit_code()),
                                error: None,
                            };
                        }
                    },
                    Ok(None) => Err("evidence vector without inputs.evidence".into()),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            let [raw, qsig, chain, ek] = match blobs {
                Ok(b) => b,
                Err(e) => return usage_error(e),
            };
            // As the CLI does: the one expected launch measurement is the
            // measurement compared with the hardware's.
            let expected = opts
                .launch_measurements
                .as_ref()
                .and_then(|m| m.first())
                .map(ToString::to_string);
            let input = EvidenceInput {
                platform: &platform,
                claimed_measurement: expected.as_deref(),
                nonce: Some(&nonce),
                key_thumbprint: None,
                raw_evidence: raw.as_deref(),
                quote_signature: qsig.as_deref(),
                cert_chain: chain.as_deref(),
                ek_cert_chain: ek.as_deref(),
            };
            ver.verify_evidence(&input, &opts)
        }
        "receipt" => match run_receipt(root, v, &opts) {
            Ok(r) => r,
            Err(e) => return usage_error(e),
        },
        other => return usage_error(format!("unknown command {other:?}")),
    };
    Actual {
        json: Some(output::to_json(&result)),
        exit: i64::from(result.status.exit_code()),
        error: None,
    }
}

/// The files a `receipt` vector's kind reads, in the order the CLI reads
/// them: `(input name, required)`.
pub fn receipt_inputs(kind: &str) -> Result<&'static [(&'static str, bool)], String> {
    Ok(match kind {
        "execution" => &[("entry", true)],
        "embodied" => &[("entry", true), ("payload", true), ("claim", false)],
        "kill-switch" => &[("receipt", true), ("claim", true)],
        "action" => &[("receipt", true)],
        other => return Err(format!("--kind: unknown receipt kind {other:?}")),
    })
}

/// The `receipt` command on input bytes, as the CLI runs it: a required
/// input missing is a usage error (`Err`); an input that is not JSON is a
/// verdict (`malformed_input`).
pub fn receipt_result(
    v: &Vector,
    files: &[(&str, Vec<u8>)],
    opts: &cmcp_verify::VerifyOptions,
) -> Result<cmcp_verify::VerificationResult, String> {
    use cmcp_verify::receipts::{ReceiptInput, malformed_input, verify_receipt};
    let kind = v
        .opt("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let policy = crate::vector::embodied_policy(v, opts.now)?;
    let expect = crate::vector::action_expectations(v)?;
    let mut values: Vec<(&str, Value)> = Vec::new();
    for (name, required) in receipt_inputs(&kind)? {
        match files.iter().find(|(n, _)| n == name) {
            None if *required => return Err(format!("--kind needs --{name}")),
            None => {}
            Some((_, b)) => match parse(b) {
                Ok(x) => values.push((name, x)),
                Err(e) => return Ok(malformed_input(name, &e)),
            },
        }
    }
    let get = |name: &str| values.iter().find(|(n, _)| *n == name).map(|(_, x)| x);
    let need = |name: &str| get(name).ok_or_else(|| format!("--kind needs --{name}"));
    Ok(match kind.as_str() {
        "execution" => verify_receipt(
            ReceiptInput::Execution {
                entry: need("entry")?,
            },
            opts,
        ),
        "embodied" => verify_receipt(
            ReceiptInput::Embodied {
                entry: need("entry")?,
                payload: need("payload")?,
                claim: get("claim"),
                policy: &policy,
            },
            opts,
        ),
        "kill-switch" => verify_receipt(
            ReceiptInput::KillSwitch {
                receipt: need("receipt")?,
                claim: need("claim")?,
            },
            opts,
        ),
        _ => verify_receipt(
            ReceiptInput::Action {
                document: need("receipt")?,
                expect: &expect,
            },
            opts,
        ),
    })
}

/// The `receipt` command through `cmcp_verify::receipts::verify_receipt`,
/// with the inputs the CLI requires for `options.kind`.
fn run_receipt(
    root: &Path,
    v: &Vector,
    opts: &cmcp_verify::VerifyOptions,
) -> Result<cmcp_verify::VerificationResult, String> {
    let kind = v.opt("kind").and_then(Value::as_str).unwrap_or_default();
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    for (name, _) in receipt_inputs(kind)? {
        if let Some(b) = read_input(root, v, name)? {
            files.push((name, b));
        }
    }
    receipt_result(v, &files, opts)
}

/// Builds the CLI binary and returns its path.
pub fn build_cli(root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let st = Command::new(cargo)
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "-p",
            "cmcp-verify-cli",
            "--bin",
            "cmcp-verify",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !st.success() {
        return Err("cargo build -p cmcp-verify-cli failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let bin = target
        .join("debug")
        .join(format!("cmcp-verify{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!("{} not built", bin.display()))
    }
}

/// The full CLI argument list for a vector.
pub fn cli_args(root: &Path, v: &Vector) -> Vec<String> {
    let p = |name: &str| {
        v.input(name)
            .map(|x| resolve(root, &v.dir, &x).0.display().to_string())
    };
    let mut a: Vec<String> = vec![v.command()];
    match v.command().as_str() {
        "claim" => {
            a.extend(p("claim"));
            if let Some(b) = p("bundle") {
                a.extend(["--bundle".to_owned(), b]);
            }
        }
        "bundle" => {
            a.extend(p("bundle"));
            if let Some(c) = p("claim") {
                a.extend(["--claim".to_owned(), c]);
            }
        }
        "evidence" => {
            a.extend([
                "--platform".to_owned(),
                v.input("platform").unwrap_or_default(),
            ]);
            let ev = match assemble_evidence(root, v) {
                Ok(Some(b)) => {
                    // Assembled from named files at run time: written under target/.
                    let dir = root.join("target/conformance/evidence");
                    let path = dir.join(format!("{}.json", v.id));
                    let written = std::fs::create_dir_all(&dir)
                        .and_then(|()| std::fs::write(&path, blobs_json(&b)));
                    match written {
                        Ok(()) => path.display().to_string(),
                        Err(e) => format!("(cannot write {}: {e})", path.display()),
                    }
                }
                Ok(None) => p("evidence").unwrap_or_default(),
                Err(e) => format!("(evidence not assembled: {e})"),
            };
            a.extend(["--evidence".to_owned(), ev]);
            a.extend(["--nonce".to_owned(), v.input("nonce").unwrap_or_default()]);
        }
        "receipt" => {
            a.extend([
                "--kind".to_owned(),
                v.opt("kind")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ]);
            for name in ["receipt", "entry", "payload", "claim"] {
                if let Some(x) = p(name) {
                    a.extend([format!("--{name}"), x]);
                }
            }
        }
        _ => {}
    }
    a.extend(cli_option_args(root, v));
    a.extend(["--format".to_owned(), "json".to_owned()]);
    a
}

/// Runs a vector through the CLI binary.
pub fn run_cli(bin: &Path, root: &Path, v: &Vector) -> Actual {
    let out = match Command::new(bin)
        .args(cli_args(root, v))
        .env("NO_COLOR", "1")
        .output()
    {
        Ok(o) => o,
        Err(e) => return usage_error(format!("cannot run {}: {e}", bin.display())),
    };
    let exit = i64::from(out.status.code().unwrap_or(-1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = stdout
        .lines()
        .find(|l| l.starts_with('{'))
        .and_then(|l| parse(l.as_bytes()).ok());
    let error = (exit == 3).then(|| String::from_utf8_lossy(&out.stderr).trim().to_owned());
    Actual { json, exit, error }
}

/// The combined outcome per field from the output's ledger (worst entry wins).
pub fn outcome_of(json: &Value, field: &str) -> Option<String> {
    let rank = |o: &str| match o {
        "verified" => 0,
        "not_checked" => 1,
        "not_established" => 2,
        "failed" => 3,
        _ => 4,
    };
    json.get("ledger")
        .and_then(Value::as_array)?
        .iter()
        .filter(|e| e.get("field").and_then(Value::as_str) == Some(field))
        .filter_map(|e| e.get("outcome").and_then(Value::as_str))
        .max_by_key(|o| rank(o))
        .map(str::to_owned)
}

/// Bundle failure codes from the output.
pub fn bundle_codes(json: &Value) -> Vec<String> {
    get(json, &["bundle", "failure_codes"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares an actual result with an expectation; `None` = match, else the first mismatch.
pub fn compare(expect: &Value, actual: &Actual) -> Option<String> {
    if let Some(e) = expect.get("exit_code")
        && Some(actual.exit) != e.as_int().and_then(|i| i.as_i64())
    {
        return Some(format!(
            "exit_code: expected {}, got {}{}",
            compact(e),
            actual.exit,
            actual
                .error
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default()
        ));
    }
    let Some(json) = &actual.json else {
        let wants_json = expect
            .as_object()
            .is_some_and(|o| o.iter().any(|(k, _)| k != "exit_code"));
        return wants_json.then(|| {
            format!(
                "no JSON result (usage error: {})",
                actual.error.clone().unwrap_or_default()
            )
        });
    };
    for key in [
        "status",
        "failure_reason",
        "verified_fields",
        "unverified_fields",
        "not_checked_fields",
    ] {
        if let Some(e) = expect.get(key) {
            let a = json.get(key).cloned().unwrap_or(Value::Null);
            if &a != e {
                return Some(format!(
                    "{key}: expected {}, got {}",
                    compact(e),
                    compact(&a)
                ));
            }
        }
    }
    if let Some(Value::Object(l)) = expect.get("ledger") {
        for (field, want) in l.iter() {
            let got = outcome_of(json, field);
            let want_s = want.as_str().map(str::to_owned);
            let want_absent = want.is_null();
            if (want_absent && got.is_some()) || (!want_absent && got != want_s) {
                return Some(format!(
                    "ledger {field}: expected {}, got {}",
                    want_s.unwrap_or_else(|| "absent".into()),
                    got.unwrap_or_else(|| "absent".into())
                ));
            }
        }
    }
    if let Some(Value::Object(d)) = expect.get("details") {
        for (k, want) in d.iter() {
            let got = get(json, &["details", k]).cloned().unwrap_or(Value::Null);
            if &got != want {
                return Some(format!(
                    "details.{k}: expected {}, got {}",
                    compact(want),
                    compact(&got)
                ));
            }
        }
    }
    if let Some(b) = expect.get("bundle") {
        if b.is_null() {
            if json.get("bundle").is_some() {
                return Some("bundle: expected none, got a bundle result".into());
            }
        } else {
            for key in ["verified", "entry_count"] {
                if let Some(e) = b.get(key) {
                    let a = get(json, &["bundle", key]).cloned().unwrap_or(Value::Null);
                    if &a != e {
                        return Some(format!(
                            "bundle.{key}: expected {}, got {}",
                            compact(e),
                            compact(&a)
                        ));
                    }
                }
            }
            if let Some(e) = b.get("failure_codes") {
                let a = strs(&bundle_codes(json));
                if &a != e {
                    return Some(format!(
                        "bundle.failure_codes: expected {}, got {}",
                        compact(e),
                        compact(&a)
                    ));
                }
            }
        }
    }
    None
}

/// One row of the report.
#[derive(Clone, Debug)]
pub struct Row {
    /// Vector id.
    pub id: String,
    /// `pass`, `fail`, `skipped`, `pending`.
    pub outcome: &'static str,
    /// First mismatch or reason.
    pub note: String,
    /// Suite (`cmcp`, `trace-action-receipts`, `trace-canonicalization`).
    pub suite: &'static str,
}

/// Options of `conformance`.
#[derive(Clone, Debug, Default)]
pub struct RunArgs {
    /// Through the binary.
    pub via_cli: bool,
    /// Id prefix filter.
    pub id: Option<String>,
    /// Tag filter.
    pub tag: Option<String>,
}

fn selected(args: &RunArgs, id: &str, tags: &[String]) -> bool {
    args.id.as_deref().is_none_or(|p| id.starts_with(p))
        && args
            .tag
            .as_deref()
            .is_none_or(|t| tags.iter().any(|x| x == t))
}

/// Runs one cmcp vector.
pub fn run_vector(root: &Path, v: &Vector, bin: Option<&Path>) -> Row {
    let row = |outcome, note: String| Row {
        id: v.id.clone(),
        outcome,
        note,
        suite: "cmcp",
    };
    if fixture_absent(root, v) {
        return row("skipped", "skipped (fixture absent)".into());
    }
    let actual = match bin {
        Some(b) => run_cli(b, root, v),
        None => run_facade(root, v),
    };
    let expect = v.doc.get("expect").cloned().unwrap_or(Value::Null);
    let mismatch = compare(&expect, &actual);
    match (v.pending(), mismatch) {
        (Some(p), None) => row(
            "pending",
            format!("{p} (now matches the expectation: consider un-pending)"),
        ),
        (Some(p), Some(_)) => row("pending", p),
        (None, None) => row("pass", String::new()),
        (None, Some(m)) => row("fail", m),
    }
}

fn xml_escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes report.json and junit.xml under target/conformance.
pub fn write_reports(root: &Path, rows: &[Row], mode: Mode) -> Result<PathBuf, String> {
    let dir = root.join("target/conformance");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let count = |o: &str| rows.iter().filter(|r| r.outcome == o).count() as i64;
    let report = obj(vec![
        ("mode", s(if mode == Mode::Cli { "cli" } else { "facade" })),
        (
            "totals",
            obj(vec![
                ("total", int(rows.len() as i64)),
                ("pass", int(count("pass"))),
                ("fail", int(count("fail"))),
                ("skipped", int(count("skipped"))),
                ("pending", int(count("pending"))),
            ]),
        ),
        (
            "vectors",
            Value::Array(
                rows.iter()
                    .map(|r| {
                        obj(vec![
                            ("id", s(&r.id)),
                            ("suite", s(r.suite)),
                            ("outcome", s(r.outcome)),
                            ("note", s(&r.note)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ]);
    std::fs::write(dir.join("report.json"), crate::jsonx::pretty(&report))
        .map_err(|e| format!("report.json: {e}"))?;
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites name=\"cmcp-conformance\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
        rows.len(),
        count("fail"),
        count("skipped") + count("pending")
    ));
    for suite in ["cmcp", "trace-action-receipts", "trace-canonicalization"] {
        let rs: Vec<&Row> = rows.iter().filter(|r| r.suite == suite).collect();
        if rs.is_empty() {
            continue;
        }
        let f = rs.iter().filter(|r| r.outcome == "fail").count();
        let sk = rs
            .iter()
            .filter(|r| matches!(r.outcome, "skipped" | "pending"))
            .count();
        x.push_str(&format!(
            "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{f}\" skipped=\"{sk}\">\n",
            rs.len()
        ));
        for r in rs {
            x.push_str(&format!(
                "    <testcase classname=\"{suite}\" name=\"{}\"",
                xml_escape(&r.id)
            ));
            match r.outcome {
                "fail" => x.push_str(&format!(
                    ">\n      <failure message=\"{}\"/>\n    </testcase>\n",
                    xml_escape(&r.note)
                )),
                "skipped" | "pending" => x.push_str(&format!(
                    ">\n      <skipped message=\"{}: {}\"/>\n    </testcase>\n",
                    r.outcome,
                    xml_escape(&r.note)
                )),
                _ => x.push_str("/>\n"),
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    std::fs::write(dir.join("junit.xml"), x).map_err(|e| format!("junit.xml: {e}"))?;
    Ok(dir)
}

fn clip(t: &str, n: usize) -> String {
    if t.chars().count() <= n {
        t.to_owned()
    } else {
        format!("{}…", t.chars().take(n).collect::<String>())
    }
}

/// `cargo xtask conformance`.
pub fn conformance(root: &Path, args: &RunArgs) -> Result<ExitCode, String> {
    let vectors = load_all(&root.join("conformance/vectors"))?;
    let mode = if args.via_cli {
        Mode::Cli
    } else {
        Mode::Facade
    };
    let bin = if args.via_cli {
        Some(build_cli(root)?)
    } else {
        None
    };
    let mut rows: Vec<Row> = Vec::new();
    for v in &vectors {
        if selected(args, &v.id, &v.tags()) {
            rows.push(run_vector(root, v, bin.as_deref()));
        }
    }
    for r in crate::peer::run_peer_suites(root) {
        if selected(args, &r.0.id, &r.1) {
            rows.push(r.0);
        }
    }
    let w = rows.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    println!("{:<w$}  {:<8}  first mismatch / note", "id", "outcome");
    for r in &rows {
        let show = r.outcome != "pass" || std::env::var_os("XTASK_VERBOSE").is_some();
        if show {
            println!("{:<w$}  {:<8}  {}", r.id, r.outcome, clip(&r.note, 160));
        } else {
            println!("{:<w$}  {:<8}", r.id, r.outcome);
        }
    }
    let count = |o: &str, suite: Option<&str>| {
        rows.iter()
            .filter(|r| r.outcome == o && suite.is_none_or(|s| r.suite == s))
            .count()
    };
    let dir = write_reports(root, &rows, mode)?;
    let skipped_fx = rows
        .iter()
        .filter(|r| r.outcome == "skipped" && r.note.contains("fixture absent"))
        .count();
    println!(
        "\n{} mode: {} vectors — pass {}, fail {}, skipped {}{}, pending {}",
        if mode == Mode::Cli { "cli" } else { "facade" },
        rows.len(),
        count("pass", None),
        count("fail", None),
        count("skipped", None),
        if skipped_fx > 0 {
            format!(" ({skipped_fx} skipped (fixture absent))")
        } else {
            String::new()
        },
        count("pending", None),
    );
    for suite in ["cmcp", "trace-action-receipts", "trace-canonicalization"] {
        let n = rows.iter().filter(|r| r.suite == suite).count();
        if n > 0 {
            println!(
                "  {suite}: {n} — pass {}, fail {}, skipped {}, pending {}",
                count("pass", Some(suite)),
                count("fail", Some(suite)),
                count("skipped", Some(suite)),
                count("pending", Some(suite))
            );
        }
    }
    println!(
        "reports: {}/report.json, {}/junit.xml",
        dir.display(),
        dir.display()
    );
    Ok(if count("fail", None) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
