//! `tamper [--budget N] [--id PREFIX]`: the tamper sweep.
//!
//! For every conformance vector whose expected status is `verified` or
//! `partially_verified`, every input file is mutated and re-verified
//! through the façade (`cmcp_verify::Verifier::from_options`, exactly as
//! `conformance` builds it), whatever the command (`claim`, `bundle`,
//! `evidence`, `receipt`):
//!
//! * the command's inputs: claim, bundle, evidence file, receipt, entry,
//!   payload;
//! * each member of an evidence object assembled from named files
//!   (`raw_evidence`, `quote_signature`, `cert_chain`, `ek_cert_chain`);
//! * the signed or bound option files: the Agent Manifest (JSON or COSE),
//!   TDX collateral, SEV-SNP CRLs, TPM PCR values, event logs and
//!   NV-certify envelopes;
//! * the pinned roots (`--ark`, `--intel-root`, `--tpm-ca`, and each PEM file
//!   of a `--trust-store` directory);
//! * the appraisal policy file, which is relying-party configuration, not
//!   signed material: an edited policy may legitimately loosen the verdict,
//!   so its mutants are checked only for panics and hangs (upgrades are
//!   counted and listed).
//!
//! Each input gets:
//!
//! * single-byte changes: the byte at a position XOR `0x01` (and, within the
//!   budget, XOR `0x80` and replacement by `0x00`);
//! * truncations: every shorter length `0..len`;
//! * extensions by one byte: `' '`, `'0'`, `'}'`, `']'`, `0x00`, `0xff`.
//!
//! Failures (exit 1): a panic; a hang; a status better than the untouched
//! vector's; `verified` from an untouched vector that is not `verified`;
//! and, for a `verified` vector, a mutant that stays `verified` while what
//! the result establishes (status, failure code, each ledger entry's field,
//! outcome and code, every detail, the bundle summary — everything but the
//! prose reasons) differs. A `verified` mutant is tolerated, and counted and
//! listed, only when it is provably the same evidence: either its JSON
//! content is unchanged (whitespace), or what the verifier establishes is
//! identical to the untouched result — bytes no check depends on (trailing
//! bytes after a TD quote, text outside PEM blocks, a bundled copy of a root
//! the relying party pins anyway). Those are reported as "unused bytes" for
//! review.
//!
//! With `--budget N` each of the three families is capped at `N` mutations per
//! input, positions and lengths sampled deterministically (evenly spaced,
//! first and last always included); the counts tested and possible are
//! printed, per vector and per input kind. Mutations that keep the untouched
//! status although the parsed JSON content changed are counted separately
//! ("kept status, content changed") and listed — they are not failures by
//! themselves (unsigned members exist), but they are what a reviewer should
//! look at. Vectors are swept on every available core.

use crate::vector::{
    Blobs, Vector, assemble_evidence, facade_options, fixture_absent, load_all, resolve,
};
use cmcp_verify::json::encoding::b64u_decode;
use cmcp_verify::json::{Value, canonical, parse};
use cmcp_verify::{EvidenceInput, Status, VerificationResult, Verifier, VerifyOptions};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// Where one swept input goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// A command input file (`inputs.NAME`).
    Input(&'static str),
    /// One member of an evidence object assembled from named files.
    Blob(usize),
    /// `VerifyOptions::platform_inputs[KEY]`, its only value.
    Platform(&'static str),
    /// The Agent Manifest (`--agent-manifest`).
    Manifest,
    /// A pinned root: (0 AMD ARK, 1 Intel root, 2 TPM CA; index).
    Root(usize, usize),
    /// The appraisal policy file (`--policy`).
    Policy,
}

/// Command inputs a vector may name, in the order they are swept.
const COMMAND_INPUTS: [&str; 6] = ["claim", "bundle", "evidence", "receipt", "entry", "payload"];
/// Assembled evidence members, in `Blobs` order.
const BLOB_NAMES: [&str; 4] = [
    "evidence.raw_evidence",
    "evidence.quote_signature",
    "evidence.cert_chain",
    "evidence.ek_cert_chain",
];
/// `(platform_inputs key, kind label)`.
const PLATFORM_INPUTS: [(&str, &str); 5] = [
    ("tdx_collateral", "collateral"),
    ("snp_crl", "crl"),
    ("tpm_pcrs", "pcrs"),
    ("tpm_event_log", "event_log"),
    ("tpm_nv_certify", "nv_certify"),
];
const ROOT_KINDS: [&str; 3] = ["ark", "intel_root", "tpm_ca"];

impl Slot {
    /// The input kind, for the per-kind counts.
    fn kind(self) -> &'static str {
        match self {
            Slot::Input(n) => n,
            Slot::Blob(i) => BLOB_NAMES.get(i).copied().unwrap_or("evidence.?"),
            Slot::Platform(k) => PLATFORM_INPUTS
                .iter()
                .find(|(key, _)| *key == k)
                .map_or(k, |(_, label)| label),
            Slot::Manifest => "agent_manifest",
            Slot::Root(k, _) => ROOT_KINDS.get(k).copied().unwrap_or("root"),
            Slot::Policy => "policy",
        }
    }

    /// A label for one mutant's input.
    fn label(self) -> String {
        match self {
            Slot::Root(_, i) => format!("{}#{i}", self.kind()),
            _ => self.kind().to_owned(),
        }
    }

    /// True when the input is read into the options (the verifier is rebuilt).
    fn is_option(self) -> bool {
        !matches!(self, Slot::Input(_) | Slot::Blob(_))
    }
}

/// One vector, read once: its command inputs, assembled evidence, policy
/// bytes and façade options.
struct Case {
    inputs: Vec<(&'static str, Vec<u8>)>,
    blobs: Option<Blobs>,
    policy: Option<Vec<u8>>,
    opts: VerifyOptions,
}

impl Case {
    fn read(root: &Path, v: &Vector) -> Result<Case, String> {
        let mut inputs = Vec::new();
        for n in COMMAND_INPUTS {
            if let Some(p) = v.input(n) {
                let (path, _) = resolve(root, &v.dir, &p);
                let b = std::fs::read(&path)
                    .map_err(|e| format!("{}: cannot read {}: {e}", v.id, path.display()))?;
                inputs.push((n, b));
            }
        }
        let blobs = assemble_evidence(root, v).map_err(|e| format!("{}: {e}", v.id))?;
        let policy = match v.opt("policy").and_then(Value::as_str) {
            Some(p) => {
                let (path, _) = resolve(root, &v.dir, p);
                Some(
                    std::fs::read(&path)
                        .map_err(|e| format!("{}: cannot read {}: {e}", v.id, path.display()))?,
                )
            }
            None => None,
        };
        let opts = facade_options(root, v).map_err(|e| format!("{}: {e}", v.id))?;
        Ok(Case {
            inputs,
            blobs,
            policy,
            opts,
        })
    }

    /// Every swept input with its untouched bytes.
    fn slots(&self) -> Vec<(Slot, &[u8])> {
        let mut out: Vec<(Slot, &[u8])> = Vec::new();
        for (n, b) in &self.inputs {
            out.push((Slot::Input(n), b.as_slice()));
        }
        if let Some(blobs) = &self.blobs {
            for (i, b) in blobs.iter().enumerate() {
                if let Some(b) = b {
                    out.push((Slot::Blob(i), b.as_slice()));
                }
            }
        }
        if let Some(m) = &self.opts.agent_manifest {
            out.push((Slot::Manifest, m.as_slice()));
        }
        for (key, _) in PLATFORM_INPUTS {
            if let Some([one]) = self.opts.platform_inputs.get(key).map(Vec::as_slice) {
                out.push((Slot::Platform(key), one.as_slice()));
            }
        }
        let t = &self.opts.trust;
        for (k, roots) in [&t.amd_ark, &t.intel_root, &t.tpm_ca]
            .into_iter()
            .enumerate()
        {
            for (i, r) in roots.iter().enumerate() {
                out.push((Slot::Root(k, i), r.as_slice()));
            }
        }
        if let Some(p) = &self.policy {
            out.push((Slot::Policy, p.as_slice()));
        }
        out
    }
}

/// The options with one option input replaced; `None` = the CLI would
/// refuse it as a usage error.
fn with_option(opts: &VerifyOptions, slot: Slot, bytes: &[u8]) -> Option<VerifyOptions> {
    let mut o = opts.clone();
    match slot {
        Slot::Input(_) | Slot::Blob(_) => {}
        Slot::Platform(key) => {
            *o.platform_inputs.get_mut(key)?.first_mut()? = bytes.to_vec();
        }
        Slot::Manifest => o.agent_manifest = Some(bytes.to_vec()),
        Slot::Root(k, i) => {
            let t = &mut o.trust;
            let roots = match k {
                0 => &mut t.amd_ark,
                1 => &mut t.intel_root,
                _ => &mut t.tpm_ca,
            };
            *roots.get_mut(i)? = bytes.to_vec();
        }
        Slot::Policy => {
            // As the CLI reads --policy: a JSON object of known sections.
            let v = parse(bytes).ok()?;
            let known = v
                .as_object()?
                .iter()
                .all(|(k, _)| matches!(k, "sev_snp" | "tdx" | "tpm"));
            if !known {
                return None;
            }
            o.appraisal = Some(v);
        }
    }
    Some(o)
}

/// Evidence file → (raw_evidence, quote_signature, cert_chain, ek_cert_chain),
/// read as the conformance runner and the CLI read it. `None` = the file is
/// not evidence-shaped JSON (the CLI's verdict is then unverified).
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

/// Runs the vector with `mutant` (an input and its new bytes) in place of
/// that input; `None` = a usage error (the CLI would refuse the input).
fn verify(
    ver: &Verifier,
    v: &Vector,
    case: &Case,
    mutant: Option<(Slot, &[u8])>,
) -> Option<VerificationResult> {
    let mut rebuilt: Option<(VerifyOptions, Verifier)> = None;
    if let Some((slot, bytes)) = mutant
        && slot.is_option()
    {
        let o = with_option(&case.opts, slot, bytes)?;
        let ver = Verifier::from_options(&o).ok()?;
        rebuilt = Some((o, ver));
    }
    let (opts, ver) = match &rebuilt {
        Some((o, v)) => (o, v),
        None => (&case.opts, ver),
    };
    let input = |name: &str| -> Option<&[u8]> {
        match mutant {
            Some((Slot::Input(n), b)) if n == name => Some(b),
            _ => case
                .inputs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| b.as_slice()),
        }
    };
    let r = match v.command().as_str() {
        "claim" => ver.verify_claim(input("claim")?, input("bundle"), opts),
        "bundle" => ver.verify_bundle(input("bundle")?, input("claim"), opts),
        "evidence" => {
            let platform = v.input("platform").unwrap_or_default();
            let nonce =
                cmcp_verify::json::encoding::hex_decode(&v.input("nonce").unwrap_or_default())
                    .ok()?;
            let [raw, qsig, chain, ek] = match &case.blobs {
                Some(b) => {
                    let mut b = b.clone();
                    if let Some((Slot::Blob(i), m)) = mutant
                        && let Some(x) = b.get_mut(i)
                    {
                        *x = Some(m.to_vec());
                    }
                    b
                }
                // Read but not evidence-shaped: a verdict, as the CLI gives.
                None => match evidence_blobs(input("evidence")?) {
                    Some(b) => b,
                    None => {
                        return Some(cmcp_verify::evidence_file_malformed(
                            "not gateway.attestation_evidence-shaped JSON",
                        ));
                    }
                },
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
            ver.verify_evidence(&input, opts)
        }
        "receipt" => {
            let files: Vec<(&str, Vec<u8>)> = case
                .inputs
                .iter()
                .filter_map(|(n, _)| input(n).map(|b| (*n, b.to_vec())))
                .collect();
            crate::run::receipt_result(v, &files, opts).ok()?
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

#[derive(Clone, Default)]
struct Counts {
    inputs: usize,
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
    policy_upgrades: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.inputs += o.inputs;
        self.byte_changes += o.byte_changes;
        self.byte_positions_possible += o.byte_positions_possible;
        self.truncations += o.truncations;
        self.truncations_possible += o.truncations_possible;
        self.extensions += o.extensions;
        self.runs += o.runs;
        self.usage_errors += o.usage_errors;
        for (t, x) in self.by_status.iter_mut().zip(o.by_status) {
            *t += x;
        }
        self.kept_changed += o.kept_changed;
        self.equivalent_json += o.equivalent_json;
        self.unused_bytes += o.unused_bytes;
        self.policy_upgrades += o.policy_upgrades;
    }
}

/// Seconds one mutant may take before the sweep calls it a hang.
const HANG_SECONDS: u64 = 120;

/// What each worker is running now, and since when.
type Current = std::sync::Arc<Vec<Mutex<(String, Instant)>>>;

/// Starts a thread that ends the process (exit 1, naming the mutant) when one
/// verification runs longer than [`HANG_SECONDS`]: a hang is a failure too.
fn watchdog(workers: usize) -> Current {
    let current: Current = std::sync::Arc::new(
        (0..workers)
            .map(|_| Mutex::new((String::new(), Instant::now())))
            .collect(),
    );
    let watched = std::sync::Arc::clone(&current);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let stuck = watched.iter().find_map(|slot| {
                slot.lock()
                    .ok()
                    .filter(|g| {
                        !g.0.is_empty() && g.1.elapsed() > Duration::from_secs(HANG_SECONDS)
                    })
                    .map(|g| g.0.clone())
            });
            if let Some(label) = stuck {
                println!("FAIL HANG (over {HANG_SECONDS}s) on {label}");
                std::process::exit(1);
            }
        }
    });
    current
}

/// One vector's sweep.
#[derive(Default)]
struct Report {
    /// The per-vector line (absent when the vector is not swept).
    line: Option<String>,
    swept: bool,
    skipped: bool,
    failures: Vec<String>,
    kept: Vec<String>,
    unused: Vec<String>,
    upgrades: Vec<String>,
    total: Counts,
    by_kind: BTreeMap<&'static str, Counts>,
}

/// The mutants of one input.
fn mutants(orig: &[u8], budget: Option<usize>, c: &mut Counts) -> Vec<(String, Vec<u8>)> {
    let len = orig.len();
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let positions = sample(len, budget);
    c.byte_positions_possible += len;
    let mut budget_left = budget.map(|b| b.saturating_sub(positions.len()));
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
            let mut m = orig.to_vec();
            if let Some(b) = m.get_mut(i) {
                *b = match op {
                    Op::Xor(x) => *b ^ x,
                    Op::Zero => 0,
                };
                if m != orig {
                    out.push((format!("[{i}]{label}"), m));
                    c.byte_changes += 1;
                }
            }
        }
    }
    c.truncations_possible += len;
    for l in sample(len, budget) {
        out.push((
            format!(" truncated to {l}"),
            orig.get(..l).unwrap_or_default().to_vec(),
        ));
        c.truncations += 1;
    }
    for b in [b' ', b'0', b'}', b']', 0x00, 0xff] {
        let mut m = orig.to_vec();
        m.push(b);
        out.push((format!(" + {b:#04x}"), m));
        c.extensions += 1;
    }
    out
}

/// Sweeps one vector.
fn sweep(
    root: &Path,
    v: &Vector,
    budget: Option<usize>,
    current: &Mutex<(String, Instant)>,
) -> Report {
    let mut rep = Report::default();
    let started = Instant::now();
    let trace = std::env::var_os("TAMPER_TRACE").is_some();
    let expect = crate::jsonx::get_str(&v.doc, &["expect", "status"]);
    if !matches!(expect.as_str(), "verified" | "partially_verified") || v.pending().is_some() {
        return rep;
    }
    if fixture_absent(root, v) {
        rep.skipped = true;
        rep.line = Some(format!("{:<16} skipped (fixture absent)", v.id));
        return rep;
    }
    let case = match Case::read(root, v) {
        Ok(c) => c,
        Err(e) => {
            rep.failures.push(e);
            return rep;
        }
    };
    let ver = match Verifier::from_options(&case.opts) {
        Ok(x) => x,
        Err(e) => {
            rep.failures.push(format!("{}: {e}", v.id));
            return rep;
        }
    };
    let Some(base_result) = verify(&ver, v, &case, None) else {
        rep.failures
            .push(format!("{}: the untouched vector does not run", v.id));
        return rep;
    };
    let base_status = base_result.status;
    let base_facts = facts(&base_result);
    if status_name(base_status) != expect {
        rep.failures.push(format!(
            "{}: untouched status {} but the vector expects {expect}",
            v.id,
            status_name(base_status)
        ));
        return rep;
    }
    let slots = case.slots();
    if slots.is_empty() {
        rep.failures.push(format!("{}: no input to sweep", v.id));
        return rep;
    }
    rep.swept = true;
    let mut kinds: Vec<String> = Vec::new();
    for (slot, orig) in &slots {
        let mut c = Counts {
            inputs: 1,
            ..Counts::default()
        };
        kinds.push(slot.label());
        let orig_content = content(orig);
        let name = slot.label();
        for (suffix, m) in mutants(orig, budget, &mut c) {
            let label = format!("{name}{suffix}");
            let content_of_mutant = content(&m);
            let changed = orig_content.is_some() && content_of_mutant != orig_content;
            c.runs += 1;
            if trace {
                eprintln!("tamper: {} {label}", v.id);
            }
            if let Ok(mut g) = current.lock() {
                *g = (format!("{}: {label}", v.id), Instant::now());
            }
            let got = catch_unwind(AssertUnwindSafe(|| {
                verify(&ver, v, &case, Some((*slot, m.as_slice())))
            }));
            let r = match got {
                Err(_) => {
                    rep.failures.push(format!("{}: PANIC on {label}", v.id));
                    continue;
                }
                Ok(None) => {
                    c.usage_errors += 1;
                    continue;
                }
                Ok(Some(r)) => r,
            };
            let st = r.status;
            if let Some(n) = c.by_status.get_mut(usize::from(rank(st))) {
                *n += 1;
            }
            let same_json =
                orig_content.is_some() && content_of_mutant.as_ref() == orig_content.as_ref();
            let upgraded = rank(st) > rank(base_status);
            if *slot == Slot::Policy {
                // Relying-party configuration: an edited policy is another
                // policy, which may accept more. Only panics and hangs fail.
                if upgraded || (st == Status::Verified && facts(&r) != base_facts) {
                    c.policy_upgrades += 1;
                    rep.upgrades.push(format!(
                        "{}: {label} gives {} (untouched {})",
                        v.id,
                        status_name(st),
                        status_name(base_status)
                    ));
                }
            } else if st == Status::Verified && base_status == Status::Verified && same_json {
                c.equivalent_json += 1;
            } else if st == Status::Verified
                && base_status == Status::Verified
                && facts(&r) == base_facts
            {
                c.unused_bytes += 1;
                rep.unused.push(format!("{}: {label}", v.id));
            } else if st == Status::Verified {
                rep.failures.push(format!(
                    "{}: {label} is verified with a different result",
                    v.id
                ));
            } else if upgraded {
                rep.failures.push(format!(
                    "{}: {label} upgrades {} to {}",
                    v.id,
                    status_name(base_status),
                    status_name(st)
                ));
            } else if st == base_status && changed {
                c.kept_changed += 1;
                rep.kept
                    .push(format!("{}: {label} keeps {}", v.id, status_name(st)));
            }
        }
        rep.by_kind.entry(slot.kind()).or_default().add(&c);
        rep.total.add(&c);
    }
    if let Ok(mut g) = current.lock() {
        g.0.clear();
    }
    let c = &rep.total;
    let [cu, cp, cv] = c.by_status;
    rep.line = Some(format!(
        "{:<16} {:<18} {:<8} inputs {:<40} runs {:>6}  byte changes {:>6} (of {} positions)  truncations {:>5}/{:<5}  extensions {}  -> unverified {} partially {} verified {}  usage errors {}  kept-status-changed-content {}  verified-same-json {}  verified-unused-bytes {}  {:.1}s",
        v.id,
        status_name(base_status),
        v.command(),
        kinds.join("+"),
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
        c.unused_bytes,
        started.elapsed().as_secs_f64()
    ));
    rep
}

/// Runs the sweep; exit 0 when no mutation verified, upgraded or panicked.
pub fn tamper(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let ta = parse_args(args)?;
    let started = Instant::now();
    let vectors: Vec<Vector> = load_all(&root.join("conformance/vectors"))?
        .into_iter()
        .filter(|v| ta.id.as_deref().is_none_or(|p| v.id.starts_with(p)))
        .collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(vectors.len().max(1));
    let current = watchdog(workers);
    let next = AtomicUsize::new(0);
    let reports: Vec<Mutex<Option<Report>>> = vectors.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for w in 0..workers {
            let (next, reports, vectors, current) = (&next, &reports, &vectors, &current);
            s.spawn(move || {
                let Some(slot) = current.get(w) else {
                    return;
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let (Some(v), Some(out)) = (vectors.get(i), reports.get(i)) else {
                        return;
                    };
                    let r = sweep(root, v, ta.budget, slot);
                    if let Ok(mut g) = out.lock() {
                        *g = Some(r);
                    }
                }
            });
        }
    });
    let mut failures: Vec<String> = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    let mut unused: Vec<String> = Vec::new();
    let mut upgrades: Vec<String> = Vec::new();
    let mut total = Counts::default();
    let mut by_kind: BTreeMap<&'static str, Counts> = BTreeMap::new();
    let (mut swept, mut skipped) = (0usize, 0usize);
    for (v, r) in vectors.iter().zip(reports) {
        let Some(r) = r.into_inner().ok().flatten() else {
            failures.push(format!("{}: the sweep did not finish", v.id));
            continue;
        };
        if let Some(l) = &r.line {
            println!("{l}");
        }
        swept += usize::from(r.swept);
        skipped += usize::from(r.skipped);
        failures.extend(r.failures);
        kept.extend(r.kept);
        unused.extend(r.unused);
        upgrades.extend(r.upgrades);
        total.add(&r.total);
        for (k, c) in &r.by_kind {
            by_kind.entry(k).or_default().add(c);
        }
    }
    // TAMPER_ALL=1 lists every tolerated and noted mutant, not the first ones.
    let all = std::env::var_os("TAMPER_ALL").is_some();
    let cap = |n: usize| if all { usize::MAX } else { n };
    for u in unused.iter().take(cap(60)) {
        println!(
            "unused bytes: {u} stays verified establishing exactly the same facts (bytes no check depends on)"
        );
    }
    for k in kept.iter().take(cap(40)) {
        println!("note: {k} although its JSON content changed");
    }
    for u in upgrades.iter().take(cap(20)) {
        println!("policy: {u} (an edited policy is another policy; not a failure)");
    }
    println!("per input kind:");
    for (k, c) in &by_kind {
        let [u, p, vf] = c.by_status;
        println!(
            "  {k:<26} inputs {:>4}  runs {:>6}  -> unverified {u} partially {p} verified {vf}  usage errors {}  kept-status-changed-content {}  verified-same-json {}  verified-unused-bytes {}{}",
            c.inputs,
            c.runs,
            c.usage_errors,
            c.kept_changed,
            c.equivalent_json,
            c.unused_bytes,
            if c.policy_upgrades > 0 {
                format!("  policy edits that accept more {}", c.policy_upgrades)
            } else {
                String::new()
            }
        );
    }
    let [tu, tp, tv] = total.by_status;
    println!(
        "tamper: {swept} vectors swept, {skipped} skipped (fixture absent), budget {}; {} inputs, {} runs: {} byte changes (over {} byte positions), {} truncations (of {} possible), {} extensions; results unverified {} / partially_verified {} / verified {}; {} usage errors (input refused as the CLI would); {} kept status with changed content; verified after mutation: {} with identical JSON content (whitespace), {} establishing the same facts (unused bytes); {} policy edits that accept more; {} failures; {:.1}s on {workers} threads",
        ta.budget.map_or("none".to_owned(), |b| b.to_string()),
        total.inputs,
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
        total.policy_upgrades,
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
