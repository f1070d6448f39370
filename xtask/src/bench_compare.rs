//! `cargo xtask bench-compare`: whole-process bundle + claim verification
//! against `openssl dgst -sha256` of the same file, peak RSS, and linearity
//! (1M entries vs 100k).
//!
//! The bundles are written entry by entry (never held in memory) in the
//! reference gateway's export shape: Python `json.dumps` default
//! separators, members in producer order, 24-member entries linked from
//! `"genesis"`, Ed25519 bundle signature over SHA-256 of the canonical
//! entries array. The claim comes from `cmcp-testkit` with the chain
//! quantities of the written bundle.

use cmcp_testkit::{Call, Session, sign_claim};
use cmcp_verify::chain::entry_hash_hex;
use cmcp_verify::json::canonical::{PyjsonWriter, pyjson, pyjson_string};
use cmcp_verify::json::encoding::{b64u_encode, hex_encode};
use cmcp_verify::json::{Int, Object, Value};
use ed25519_dalek::Signer;
use sha2::{Digest as _, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

const SEED: [u8; 32] = [0x42; 32];
const SESSION: &str = "sess-bench-0001";
const NOW: &str = "2026-11-30T12:00:00Z";
const TOOLS: [(&str, &str); 6] = [
    ("github.search", "spiffe://acme.example/mcp/github"),
    ("jira.create_issue", "spiffe://acme.example/mcp/jira"),
    ("snowflake.query", "spiffe://acme.example/mcp/snowflake"),
    ("payments.refund", "spiffe://acme.example/mcp/payments"),
    ("fs.read_file", "spiffe://acme.example/mcp/fs"),
    ("slack.post_message", "spiffe://acme.example/mcp/slack"),
];
const DECISIONS: [&str; 6] = ["allow", "allow", "deny", "advisory_deny", "fault", "redact"];

/// Python `json.dumps(v)` with default separators, members in order.
fn py_dumps(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(o) => {
            out.push(b'{');
            for (n, (k, v)) in o.iter().enumerate() {
                if n > 0 {
                    out.extend_from_slice(b", ");
                }
                pyjson_string(k, out);
                out.extend_from_slice(b": ");
                py_dumps(v, out);
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (n, v) in a.iter().enumerate() {
                if n > 0 {
                    out.extend_from_slice(b", ");
                }
                py_dumps(v, out);
            }
            out.push(b']');
        }
        other => pyjson(other, out),
    }
}

fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

fn uuid(n: u64) -> String {
    let h = hex_encode(&Sha256::digest(n.to_be_bytes()));
    let g = |a: usize, b: usize| h.get(a..b).unwrap_or("0").to_owned();
    format!(
        "{}-{}-4{}-a{}-{}",
        g(0, 8),
        g(8, 12),
        g(13, 16),
        g(17, 20),
        g(20, 32)
    )
}

fn entry(n: u64, prev: &str) -> Value {
    let call = n > 0;
    let k = usize::try_from(n.saturating_sub(1)).unwrap_or(0);
    let (tool, server) = TOOLS.get(k % TOOLS.len()).copied().unwrap_or(TOOLS[0]);
    let decision = DECISIONS
        .get(k % DECISIONS.len())
        .copied()
        .unwrap_or("allow");
    let null = Value::Null;
    let opt = |v: Value| if call { v } else { Value::Null };
    let micros = 424_178 + n;
    let ts = format!(
        "2026-11-30T{:02}:{:02}:{:02}.{:06}+00:00",
        (micros / 3_600_000_000) % 24,
        (micros / 60_000_000) % 60,
        (micros / 1_000_000) % 60,
        micros % 1_000_000
    );
    let members: Vec<(&str, Value)> = vec![
        ("entry_id", s(uuid(n))),
        ("sequence_number", Value::Int(Int::Small(n as i64))),
        ("timestamp_utc", s(ts)),
        ("session_id", s(SESSION)),
        ("call_id", opt(s(format!("call-{k}")))),
        (
            "entry_type",
            s(if call { "tool_call" } else { "session_start" }),
        ),
        ("tool_name", opt(s(tool))),
        ("server_identity", opt(s(server))),
        ("policy_decision", s(if call { decision } else { "n/a" })),
        (
            "policy_rule_matched",
            opt(s(format!("policy_id::{decision}_{tool}"))),
        ),
        (
            "latency_us",
            opt(Value::Int(Int::Small(40_000 + (n as i64 * 7919) % 60_000))),
        ),
        (
            "request_payload_hash",
            opt(s(format!(
                "sha256:{}",
                hex_encode(&Sha256::digest(format!("req{n}")))
            ))),
        ),
        (
            "response_payload_hash",
            opt(s(format!(
                "sha256:{}",
                hex_encode(&Sha256::digest(format!("resp{n}")))
            ))),
        ),
        (
            "response_inspection_result",
            s(if call { "pass" } else { "n/a" }),
        ),
        ("session_sensitivity_before", opt(s("public"))),
        (
            "session_sensitivity_after",
            s(if call { "internal" } else { "public" }),
        ),
        ("detail", null.clone()),
        ("workflow_id", opt(s("demo-agent"))),
        ("prev_entry_hash", s(prev)),
        ("evidence_class", s("hash-only")),
        ("external_execution_evidence", null.clone()),
        ("effective_data_class", null.clone()),
        ("execution_id", null),
    ];
    let mut o = Object::from_members(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    );
    let h = entry_hash_hex(&o);
    o.insert("entry_hash", s(h));
    Value::Object(o)
}

/// Writes a bundle of `1 + calls` entries and its claim; returns the bundle size.
fn generate(dir: &Path, calls: u64) -> Result<(PathBuf, PathBuf, u64), String> {
    let bundle_path = dir.join(format!("bundle-{calls}.json"));
    let claim_path = dir.join(format!("claim-{calls}.json"));
    let f = std::fs::File::create(&bundle_path)
        .map_err(|e| format!("{}: {e}", bundle_path.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let io = |e: std::io::Error| format!("write {}: {e}", bundle_path.display());
    w.write_all(format!("{{\"session_id\": \"{SESSION}\", \"entries\": [").as_bytes())
        .map_err(io)?;
    let mut array = Sha256::new();
    array.update(b"[");
    let mut prev = "genesis".to_owned();
    let mut first: Option<Value> = None;
    let mut last: Option<Value> = None;
    let mut buf = Vec::with_capacity(2048);
    let mut canon = Vec::with_capacity(2048);
    let mut cw = PyjsonWriter::new();
    let mut session = Session::new(SEED, SESSION);
    session.generated_at = "2026-11-30T00:00:00+00:00".into();
    for n in 0..=calls {
        let e = entry(n, &prev);
        buf.clear();
        if n > 0 {
            buf.extend_from_slice(b", ");
            array.update(b",");
        }
        py_dumps(&e, &mut buf);
        w.write_all(&buf).map_err(io)?;
        canon.clear();
        cw.write(&e, &mut canon);
        array.update(&canon);
        prev = e
            .get("entry_hash")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if n > 0 {
            let k = usize::try_from(n - 1).unwrap_or(0);
            let tool = TOOLS.get(k % TOOLS.len()).map_or("", |t| t.0);
            let decision = DECISIONS
                .get(k % DECISIONS.len())
                .copied()
                .unwrap_or("allow");
            session = session.call(Call::new(tool, decision));
        }
        if n == 0 {
            first = Some(e);
        } else if n == calls {
            last = Some(e);
        }
    }
    array.update(b"]");
    let key = session.key();
    let sig = b64u_encode(&key.sign(&array.finalize()).to_bytes());
    w.write_all(format!("], \"bundle_signature\": \"{sig}\"}}").as_bytes())
        .map_err(io)?;
    w.flush().map_err(io)?;
    drop(w);

    let ends: Vec<Value> = first.into_iter().chain(last).collect();
    let mut claim = session.unsigned_claim(&ends);
    if let Value::Object(c) = &mut claim
        && let Some(Value::Object(g)) = c.get_mut("gateway")
        && let Some(Value::Object(chain)) = g.get_mut("audit_chain")
    {
        chain.insert("length", Value::Int(Int::Small(calls as i64 + 1)));
    }
    sign_claim(&mut claim, &key);
    let mut text = Vec::new();
    py_dumps(&claim, &mut text);
    std::fs::write(&claim_path, text).map_err(|e| format!("{}: {e}", claim_path.display()))?;
    let size = std::fs::metadata(&bundle_path)
        .map(|m| m.len())
        .unwrap_or(0);
    Ok((bundle_path, claim_path, size))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs `cmd` under `/usr/bin/time -f %M`; returns (wall seconds, peak RSS KiB, exit code, stdout).
fn timed(cmd: &[&str], time_out: &Path) -> Result<(f64, u64, i32, Vec<u8>), String> {
    let (prog, args) = cmd.split_first().ok_or("empty command")?;
    let use_time = Path::new("/usr/bin/time").exists();
    let mut c = if use_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(time_out)
            .arg(prog)
            .args(args);
        c
    } else {
        let mut c = Command::new(prog);
        c.args(args);
        c
    };
    c.stdin(Stdio::null()).stderr(Stdio::null());
    let t = Instant::now();
    let out = c.output().map_err(|e| format!("{prog}: {e}"))?;
    let secs = t.elapsed().as_secs_f64();
    let rss = if use_time {
        std::fs::read_to_string(time_out)
            .ok()
            .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()))
            .unwrap_or(0)
    } else {
        0
    };
    Ok((secs, rss, out.status.code().unwrap_or(-1), out.stdout))
}

struct Run {
    secs: f64,
    rss_kib: u64,
}

fn verify_runs(
    bin: &str,
    claim: &Path,
    bundle: &Path,
    runs: usize,
    dir: &Path,
) -> Result<Run, String> {
    let claim = claim.to_string_lossy().into_owned();
    let bundle = bundle.to_string_lossy().into_owned();
    let cmd = [
        bin, "claim", &claim, "--bundle", &bundle, "--now", NOW, "--format", "json",
    ];
    let mut times = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..runs {
        let (secs, kib, code, stdout) = timed(&cmd, &dir.join("time.txt"))?;
        let text = String::from_utf8_lossy(&stdout);
        // A software-only claim with a good bundle is partially_verified (exit 1).
        if code != 1
            || !text.contains("\"status\":\"partially_verified\"")
            || !text.contains("\"verified\":true")
        {
            return Err(format!(
                "unexpected verdict (exit {code}): {}",
                text.chars().take(600).collect::<String>()
            ));
        }
        times.push(secs);
        rss.push(kib as f64);
    }
    Ok(Run {
        secs: median(times),
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        rss_kib: median(rss).round() as u64,
    })
}

fn openssl_runs(bundle: &Path, runs: usize, dir: &Path) -> Result<f64, String> {
    let b = bundle.to_string_lossy().into_owned();
    let mut times = Vec::new();
    for _ in 0..runs {
        let (secs, _, code, _) = timed(&["openssl", "dgst", "-sha256", &b], &dir.join("time.txt"))?;
        if code != 0 {
            return Err("openssl dgst failed".into());
        }
        times.push(secs);
    }
    Ok(median(times))
}

/// The `bench-compare` command.
pub fn bench_compare(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let skip_1m = args.iter().any(|a| a == "--no-1m");
    // `--keep`: leave the 100k files in place (for profiling) and print where.
    let keep = args.iter().any(|a| a == "--keep");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("bench-compare: building release cmcp-verify");
    let st = Command::new(&cargo)
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "cmcp-verify-cli",
            "--bin",
            "cmcp-verify",
        ])
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !st.success() {
        return Err("cargo build --release failed".into());
    }
    let bin = root.join("target/release/cmcp-verify");
    let bin = bin.to_string_lossy().into_owned();
    let dir = std::env::temp_dir().join(format!("cmcp-bench-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = (|| -> Result<(), String> {
        eprintln!("bench-compare: generating 100,001-entry bundle");
        let (b1, c1, size1) = generate(&dir, 100_000)?;
        let ssl = openssl_runs(&b1, runs, &dir)?;
        let v1 = verify_runs(&bin, &c1, &b1, runs, &dir)?;
        let ssl2 = openssl_runs(&b1, runs, &dir)?;
        let ssl = ssl.min(ssl2);
        println!(
            "machine: {} cores available",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        println!(
            "bundle 100k: 100,001 entries, {size1} bytes ({:.1} MB)",
            size1 as f64 / 1e6
        );
        println!("openssl dgst -sha256 (median of {runs}): {:.4} s", ssl);
        println!(
            "cmcp-verify claim --bundle (median of {runs}): {:.4} s",
            v1.secs
        );
        println!(
            "ratio verify / openssl: {:.2}x (target <= 4x)",
            v1.secs / ssl
        );
        println!(
            "peak RSS (median, /usr/bin/time %M): {:.1} MiB (target <= 64 MiB)",
            v1.rss_kib as f64 / 1024.0
        );
        if keep {
            println!("kept: {} {}", c1.display(), b1.display());
            return Ok(());
        }
        let _ = std::fs::remove_file(&b1);
        if !skip_1m {
            eprintln!("bench-compare: generating 1,000,001-entry bundle");
            let (b2, c2, size2) = generate(&dir, 1_000_000)?;
            let r2 = runs.clamp(1, 3);
            let v2 = verify_runs(&bin, &c2, &b2, r2, &dir)?;
            println!(
                "bundle 1M: 1,000,001 entries, {size2} bytes ({:.1} MB)",
                size2 as f64 / 1e6
            );
            println!(
                "cmcp-verify claim --bundle 1M (median of {r2}): {:.4} s, peak RSS {:.1} MiB",
                v2.secs,
                v2.rss_kib as f64 / 1024.0
            );
            println!(
                "ratio 1M / 100k: {:.2}x (target 10x +- 15%)",
                v2.secs / v1.secs
            );
            let _ = std::fs::remove_file(&b2);
        }
        Ok(())
    })();
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result.map(|()| ExitCode::SUCCESS)
}
