//! `tamper [--budget N] [--id PREFIX]`: the tamper sweep.
//!
//! For every conformance vector whose expected status is `verified` or
//! `partially_verified` and that has a claim, bundle or evidence input, each
//! input is mutated and re-verified through the façade
//! (`cmcp_verify::Verifier::from_options`, exactly as `conformance` builds it):
//!
//! * single-byte changes: the byte at a position XOR `0x01` (and, within the
//!   budget, XOR `0x80` and replacement by `0x00`);
//! * truncations: every shorter length `0..len`;
//! * extensions by one byte: `' '`, `'0'`, `'}'`, `']'`, `0x00`, `0xff`.
//!
//! Failures (exit 1): a panic; a status better than the untouched vector's;
//! `verified` from an untouched vector that is not `verified`; and, for a
//! `verified` vector, a mutant that stays `verified` while what the result
//! establishes (status, failure code, each ledger entry's field, outcome and
//! code, every detail, the bundle summary — everything but the prose
//! reasons) differs. A
//! `verified` mutant is tolerated, and counted and listed, only when it is
//! provably the same evidence: either its JSON content is unchanged
//! (whitespace), or what the verifier establishes is identical to the
//! untouched result — bytes no check depends on (trailing bytes after a TD
//! quote, text outside PEM blocks, a bundled copy of a root the relying
//! party pins anyway). Those are reported as "unused bytes" for review.
//!
//! With `--budget N` each of the three families is capped at `N` mutations per
//! input, positions and lengths sampled deterministically (evenly spaced,
//! first and last always included); the counts tested and possible are
//! printed. Mutations that keep the untouched status although the parsed
//! JSON content changed are counted separately ("kept status, content
//! changed") and listed — they are not failures by themselves (unsigned
//! members exist), but they are what a reviewer should look at.

use crate::vector::{Vector, facade_options, fixture_absent, load_all, resolve};
use cmcp_verify::json::encoding::b64u_decode;
use cmcp_verify::json::{Value, canonical, parse};
use cmcp_verify::{EvidenceInput, Status, VerificationResult, Verifier, VerifyOptions};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Command-line arguments.
#[derive(Clone, Debug, Default)]
pub struct TamperArgs {
    /// Cap per mutation family per input (`None` = exhaustive).
    pub budget: Option<usize>,
    /// Vector id prefix filter.
    pub id: Option<String>,
}

/// Parses `tamper` arguments (after the subcommand).
pub fn parse_args(args: &[String]) -> Result<TamperArgs, String> {
    let mut t = TamperArgs::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--budget" => {
                let n = it
                    .next()
                    .and_then(|s| s.parse::<usize>().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--budget needs a positive integer")?;
                t.budget = Some(n);
            }
            "--id" => t.id = Some(it.next().cloned().ok_or("--id needs a prefix")?),
            other => return Err(format!("unknown tamper argument {other:?}")),
        }
    }
    Ok(t)
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Verified => 2,
        Status::PartiallyVerified => 1,
        Status::Unverified => 0,
    }
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Verified => "verified",
        Status::PartiallyVerified => "partially_verified",
        Status::Unverified => "unverified",
    }
}

/// The mutable inputs of one vector.
#[derive(Clone)]
struct Inputs {
    claim: Option<Vec<u8>>,
    bundle: Option<Vec<u8>>,
    evidence: Option<Vec<u8>>,
}

impl Inputs {
    fn slot(&mut self, name: &str) -> Option<&mut Option<Vec<u8>>> {
        match name {
            "claim" => Some(&mut self.claim),
            "bundle" => Some(&mut self.bundle),
            "evidence" => Some(&mut self.evidence),
            _ => None,
        }
    }
}

type Blobs = [Option<Vec<u8>>; 4];

/// Evidence file → (raw_evidence, quote_signature, cert_chain, ek_cert_chain),
/// read as the conformance runner and the CLI read it. `None` = the file is
/// not acceptable (the CLI would refuse it as a usage error).
fn evidence_blobs(bytes: &[u8]) -> Option<Blobs> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Some([Some(bytes.to_vec()), None, None, None]);
    }
    let v = parse(bytes).ok()?;
    let o = v.as_object()?;
    let mut out: Blobs = [None, None, None, None];
    for (k, val) in o.iter() {
        let d = val.as_str().and_then(|t| b64u_decode(t).ok())?;
        let slot = match k {
            "raw_evidence" => 0,
            "quote_signature" => 1,
            "cert_chain" => 2,
            "ek_cert_chain" => 3,
            _ => return None,
        };
        if let Some(x) = out.get_mut(slot) {
            *x = Some(d);
        }
    }
    Some(out)
}

/// Runs one (possibly mutated) input set; `None` = a usage error (the
/// mutated evidence file is not readable as evidence at all).
fn verify(
    ver: &Verifier,
    opts: &VerifyOptions,
    v: &Vector,
    inp: &Inputs,
) -> Option<VerificationResult> {
    let r = match v.command().as_str() {
        "claim" => ver.verify_claim(inp.claim.as_deref()?, inp.bundle.as_deref(), opts),
        "bundle" => ver.verify_bundle(inp.bundle.as_deref()?, inp.claim.as_deref(), opts),
        "evidence" => {
            let platform = v.input("platform").unwrap_or_default();
            let nonce =
                cmcp_verify::json::encoding::hex_decode(&v.input("nonce").unwrap_or_default())
                    .ok()?;
            let [raw, qsig, chain, ek] = evidence_blobs(inp.evidence.as_deref()?)?;
            let input = EvidenceInput {
                platform: &platform,
                claimed_measurement: None,
                nonce: Some(&nonce),
                key_thumbprint: None,
                raw_evidence: raw.as_deref(),
                quote_signature: qsig.as_deref(),
                cert_chain: chain.as_deref(),
                ek_cert_chain: ek.as_deref(),
            };
            ver.verify_evidence(&input, opts)
        }
        _ => return None,
    };
    Some(r)
}

/// What a result establishes, without the human-readable reasons: status,
/// failure code, every ledger entry's field, outcome and code, every detail
/// (measurements, report data, fingerprints), the bundle summary.
fn facts(r: &VerificationResult) -> String {
    let entries: Vec<_> = r
        .ledger
        .entries()
        .iter()
        .map(|e| (e.field.as_str(), e.outcome, e.code))
        .collect();
    format!(
        "{:?}|{:?}|{entries:?}|{:?}|{:?}",
        r.status,
        r.failure_reason,
        r.ledger.details(),
        r.bundle
    )
}

/// `n` evenly spaced values in `0..len` (all when `n >= len`), first and last included.
fn sample(len: usize, budget: Option<usize>) -> Vec<usize> {
    match budget {
        Some(n) if n < len => {
            let mut out: Vec<usize> = (0..n)
                .map(|k| {
                    let denom = n.saturating_sub(1).max(1);
                    // k * (len - 1) / (n - 1), in u128 so it cannot overflow.
                    let x = (k as u128) * (len.saturating_sub(1) as u128) / (denom as u128);
                    usize::try_from(x).unwrap_or(0)
                })
                .collect();
            out.dedup();
            out
        }
        _ => (0..len).collect(),
    }
}

/// The pyjson canonical form of a JSON input, to tell a no-op from a change.
fn content(bytes: &[u8]) -> Option<Vec<u8>> {
    parse(bytes).ok().map(|v: Value| canonical::pyjson_vec(&v))
}

/// A single-byte change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Xor(u8),
    Zero,
}

#[derive(Default)]
struct Counts {
    byte_changes: usize,
    byte_positions_possible: usize,
    truncations: usize,
    truncations_possible: usize,
    extensions: usize,
    runs: usize,
    usage_errors: usize,
    by_status: [usize; 3],
    kept_changed: usize,
    equivalent_json: usize,
    unused_bytes: usize,
}

/// Seconds one mutant may take before the sweep calls it a hang.
const HANG_SECONDS: u64 = 120;

type Current = Arc<Mutex<(String, Instant)>>;

/// Starts a thread that ends the process (exit 1, naming the mutant) when one
/// verification runs longer than [`HANG_SECONDS`]: a hang is a failure too.
fn watchdog() -> Current {
    let current: Current = Arc::new(Mutex::new((String::new(), Instant::now())));
    let watched = Arc::clone(&current);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let stuck = watched
                .lock()
                .ok()
                .filter(|g| !g.0.is_empty() && g.1.elapsed() > Duration::from_secs(HANG_SECONDS))
                .map(|g| g.0.clone());
            if let Some(label) = stuck {
                println!("FAIL HANG (over {HANG_SECONDS}s) on {label}");
                std::process::exit(1);
            }
        }
    });
    current
}

/// Runs the sweep; exit 0 when no mutation verified, upgraded or panicked.
pub fn tamper(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let ta = parse_args(args)?;
    let started = Instant::now();
    // TAMPER_TRACE=1 names each mutant on stderr before it runs (to find a hang).
    let trace = std::env::var_os("TAMPER_TRACE").is_some();
    let current = watchdog();
    let vectors = load_all(&root.join("conformance/vectors"))?;
    let mut failures: Vec<String> = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    let mut unused: Vec<String> = Vec::new();
    let mut not_swept: Vec<String> = Vec::new();
    let mut total = Counts::default();
    let (mut swept, mut skipped) = (0usize, 0usize);
    for v in &vectors {
        if let Some(p) = &ta.id
            && !v.id.starts_with(p.as_str())
        {
            continue;
        }
        let expect = crate::jsonx::get_str(&v.doc, &["expect", "status"]);
        if !matches!(expect.as_str(), "verified" | "partially_verified") || v.pending().is_some() {
            continue;
        }
        if !matches!(v.command().as_str(), "claim" | "bundle" | "evidence") {
            not_swept.push(format!("{} ({})", v.id, v.command()));
            continue;
        }
        let names: Vec<&str> = ["claim", "bundle", "evidence"]
            .into_iter()
            .filter(|n| v.input(n).is_some())
            .collect();
        if names.is_empty() {
            continue;
        }
        if fixture_absent(root, v) {
            skipped += 1;
            println!("{:<16} skipped (fixture absent)", v.id);
            continue;
        }
        let read = |n: &str| -> Result<Option<Vec<u8>>, String> {
            match v.input(n) {
                None => Ok(None),
                Some(p) => {
                    let (path, _) = resolve(root, &v.dir, &p);
                    std::fs::read(&path)
                        .map(Some)
                        .map_err(|e| format!("{}: cannot read {}: {e}", v.id, path.display()))
                }
            }
        };
        let base = Inputs {
            claim: read("claim")?,
            bundle: read("bundle")?,
            evidence: read("evidence")?,
        };
        let opts = facade_options(root, v).map_err(|e| format!("{}: {e}", v.id))?;
        let ver = Verifier::from_options(&opts).map_err(|e| format!("{}: {e}", v.id))?;
        let Some(base_result) = verify(&ver, &opts, v, &base) else {
            failures.push(format!("{}: the untouched vector does not run", v.id));
            continue;
        };
        let base_status = base_result.status;
        let base_facts = facts(&base_result);
        if status_name(base_status) != expect {
            failures.push(format!(
                "{}: untouched status {} but the vector expects {expect}",
                v.id,
                status_name(base_status)
            ));
            continue;
        }
        swept += 1;
        let mut c = Counts::default();
        for name in &names {
            let Some(orig) = base.clone().slot(name).and_then(|s| s.take()) else {
                continue;
            };
            let orig_content = content(&orig);
            let len = orig.len();
            let mut mutants: Vec<(String, Vec<u8>)> = Vec::new();
            let positions = sample(len, ta.budget);
            c.byte_positions_possible += len;
            let mut budget_left = ta.budget.map(|b| b.saturating_sub(positions.len()));
            for (op, label) in [
                (Op::Xor(0x01), "^01"),
                (Op::Xor(0x80), "^80"),
                (Op::Zero, "=00"),
            ] {
                let extra = op != Op::Xor(0x01);
                for &i in &positions {
                    if extra {
                        match budget_left.as_mut() {
                            Some(0) => break,
                            Some(b) => *b -= 1,
                            None => {}
                        }
                    }
                    let mut m = orig.clone();
                    if let Some(b) = m.get_mut(i) {
                        *b = match op {
                            Op::Xor(x) => *b ^ x,
                            Op::Zero => 0,
                        };
                        if m != orig {
                            mutants.push((format!("{name}[{i}]{label}"), m));
                            c.byte_changes += 1;
                        }
                    }
                }
            }
            c.truncations_possible += len;
            for l in sample(len, ta.budget) {
                mutants.push((
                    format!("{name} truncated to {l}"),
                    orig.get(..l).unwrap_or_default().to_vec(),
                ));
                c.truncations += 1;
            }
            for b in [b' ', b'0', b'}', b']', 0x00, 0xff] {
                let mut m = orig.clone();
                m.push(b);
                mutants.push((format!("{name} + {b:#04x}"), m));
                c.extensions += 1;
            }
            for (label, m) in mutants {
                let mut inp = base.clone();
                let content_of_mutant = content(&m);
                let changed = orig_content.is_some() && content_of_mutant != orig_content;
                if let Some(s) = inp.slot(name) {
                    *s = Some(m);
                }
                c.runs += 1;
                if trace {
                    eprintln!("tamper: {} {label}", v.id);
                }
                if let Ok(mut g) = current.lock() {
                    *g = (format!("{}: {label}", v.id), Instant::now());
                }
                match catch_unwind(AssertUnwindSafe(|| verify(&ver, &opts, v, &inp))) {
                    Err(_) => failures.push(format!("{}: PANIC on {label}", v.id)),
                    Ok(None) => c.usage_errors += 1,
                    Ok(Some(r)) => {
                        let st = r.status;
                        if let Some(n) = c.by_status.get_mut(usize::from(rank(st))) {
                            *n += 1;
                        }
                        let same_json = orig_content.is_some()
                            && content_of_mutant.as_ref() == orig_content.as_ref();
                        if st == Status::Verified && base_status == Status::Verified && same_json {
                            c.equivalent_json += 1;
                        } else if st == Status::Verified
                            && base_status == Status::Verified
                            && facts(&r) == base_facts
                        {
                            c.unused_bytes += 1;
                            if unused.len() < 60 {
                                unused.push(format!("{}: {label}", v.id));
                            }
                        } else if st == Status::Verified {
                            failures.push(format!(
                                "{}: {label} is verified with a different result",
                                v.id
                            ));
                        } else if rank(st) > rank(base_status) {
                            failures.push(format!(
                                "{}: {label} upgrades {} to {}",
                                v.id,
                                status_name(base_status),
                                status_name(st)
                            ));
                        } else if st == base_status && changed {
                            c.kept_changed += 1;
                            if kept.len() < 40 {
                                kept.push(format!("{}: {label} keeps {}", v.id, status_name(st)));
                            }
                        }
                    }
                }
            }
        }
        let [cu, cp, cv] = c.by_status;
        println!(
            "{:<16} {:<18} inputs {:<22} runs {:>6}  byte changes {:>6} (of {} positions)  truncations {:>5}/{:<5}  extensions {}  -> unverified {} partially {} verified {}  usage errors {}  kept-status-changed-content {}  verified-same-json {}  verified-unused-bytes {}",
            v.id,
            status_name(base_status),
            names.join("+"),
            c.runs,
            c.byte_changes,
            c.byte_positions_possible,
            c.truncations,
            c.truncations_possible,
            c.extensions,
            cu,
            cp,
            cv,
            c.usage_errors,
            c.kept_changed,
            c.equivalent_json,
            c.unused_bytes
        );
        total.byte_changes += c.byte_changes;
        total.byte_positions_possible += c.byte_positions_possible;
        total.truncations += c.truncations;
        total.truncations_possible += c.truncations_possible;
        total.extensions += c.extensions;
        total.runs += c.runs;
        total.usage_errors += c.usage_errors;
        total.kept_changed += c.kept_changed;
        total.equivalent_json += c.equivalent_json;
        total.unused_bytes += c.unused_bytes;
        for (t, x) in total.by_status.iter_mut().zip(c.by_status) {
            *t += x;
        }
    }
    if !not_swept.is_empty() {
        println!(
            "not swept (command has no in-memory runner here yet): {}",
            not_swept.join(", ")
        );
    }
    for u in &unused {
        println!(
            "unused bytes: {u} stays verified establishing exactly the same facts (bytes no check depends on)"
        );
    }
    for k in &kept {
        println!("note: {k} although its JSON content changed");
    }
    let [tu, tp, tv] = total.by_status;
    println!(
        "tamper: {swept} vectors swept, {skipped} skipped (fixture absent), budget {}; {} runs: {} byte changes (over {} byte positions), {} truncations (of {} possible), {} extensions; results unverified {} / partially_verified {} / verified {}; {} unreadable as evidence; {} kept status with changed content; verified after mutation: {} with identical JSON content (whitespace), {} establishing the same facts (unused bytes); {} failures; {:.1}s",
        ta.budget.map_or("none".to_owned(), |b| b.to_string()),
        total.runs,
        total.byte_changes,
        total.byte_positions_possible,
        total.truncations,
        total.truncations_possible,
        total.extensions,
        tu,
        tp,
        tv,
        total.usage_errors,
        total.kept_changed,
        total.equivalent_json,
        total.unused_bytes,
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    Ok(if failures.is_empty() && swept > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
