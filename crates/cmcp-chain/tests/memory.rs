#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! Streaming verification runs in memory independent of the number of
//! entries: a bundle is generated lazily, entry by entry, behind a `Read`
//! (nothing holds the document), verified, and the process's peak RSS
//! (`VmHWM`) is compared before and after.
//!
//! * `memory_is_bounded_20k` (always on): 20,001 entries, ~21 MB of JSON.
//! * `memory_is_bounded_1m` (`#[ignore]`, run it in release:
//!   `cargo test --release -p cmcp-chain --test memory -- --ignored`):
//!   1,000,001 entries, ~1.07 GB of JSON.
//!
//! Both assert the peak grows by less than [`BOUND_MIB`] — far below the
//! document size — and that every entry was hashed: the verifier's
//! `audit_bundle.entries_digest` equals the digest the generator computed.

use cmcp_chain::{BundleContext, StreamOptions, entry_hash_hex, verify_bundle_reader_with};
use cmcp_json::canonical::{PyjsonWriter, pyjson, pyjson_string};
use cmcp_json::encoding::hex_encode;
use cmcp_json::{Int, Object, Value};
use cmcp_policy::Outcome;
use sha2::{Digest as _, Sha256};
use std::io::Read;
use std::sync::Mutex;

/// Allowed growth of the peak resident set while verifying.
const BOUND_MIB: u64 = 16;
const SESSION: &str = "sess-mem-0001";

/// Tests in this file measure one process-wide peak: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

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
        other => pyjson(other, out),
    }
}

/// An entry of the reference gateway's shape (24 members, producer order).
fn entry(n: u64, prev: &str) -> Value {
    let s = |v: String| Value::String(v);
    let call = n > 0;
    let opt = |v: Value| if call { v } else { Value::Null };
    let tools = ["github.search", "jira.create_issue", "fs.read_file"];
    let decisions = ["allow", "deny", "fault", "advisory_deny"];
    let tool = tools[(n % 3) as usize];
    let decision = decisions[(n % 4) as usize];
    let members: Vec<(&str, Value)> = vec![
        ("entry_id", s(format!("00000000-0000-4000-a000-{n:012}"))),
        ("sequence_number", Value::Int(Int::Small(n as i64))),
        (
            "timestamp_utc",
            s(format!("2026-11-30T10:00:00.{:06}+00:00", n % 1_000_000)),
        ),
        ("session_id", s(SESSION.into())),
        ("call_id", opt(s(format!("call-{n}")))),
        (
            "entry_type",
            s(if call { "tool_call" } else { "session_start" }.into()),
        ),
        ("tool_name", opt(s(tool.into()))),
        (
            "server_identity",
            opt(s(format!("spiffe://acme.example/mcp/{tool}"))),
        ),
        (
            "policy_decision",
            s(if call { decision } else { "n/a" }.into()),
        ),
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
                hex_encode(&Sha256::digest(n.to_le_bytes()))
            ))),
        ),
        (
            "response_payload_hash",
            opt(s(format!(
                "sha256:{}",
                hex_encode(&Sha256::digest(n.to_be_bytes()))
            ))),
        ),
        (
            "response_inspection_result",
            s(if call { "pass" } else { "n/a" }.into()),
        ),
        ("session_sensitivity_before", opt(s("public".into()))),
        (
            "session_sensitivity_after",
            s(if call { "internal" } else { "public" }.into()),
        ),
        ("detail", Value::Null),
        ("workflow_id", opt(s("demo-agent".into()))),
        ("prev_entry_hash", s(prev.into())),
        ("evidence_class", s("hash-only".into())),
        ("external_execution_evidence", Value::Null),
        ("effective_data_class", Value::Null),
        ("execution_id", Value::Null),
    ];
    let mut o = Object::from_members(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    );
    let h = entry_hash_hex(&o);
    o.insert("entry_hash", Value::String(h));
    Value::Object(o)
}

/// A bundle of `count` entries produced on demand; also computes the digest
/// of the canonical entries array the verifier must report.
struct LazyBundle {
    count: u64,
    next: u64,
    prev: String,
    buf: Vec<u8>,
    pos: usize,
    done: bool,
    array: Option<Sha256>,
    digest: std::sync::Arc<Mutex<Option<[u8; 32]>>>,
    canon: Vec<u8>,
    writer: PyjsonWriter,
    bytes: u64,
}

impl LazyBundle {
    fn new(count: u64) -> Self {
        let mut array = Sha256::new();
        array.update(b"[");
        LazyBundle {
            count,
            next: 0,
            prev: "genesis".into(),
            buf: format!("{{\"session_id\": \"{SESSION}\", \"entries\": [").into_bytes(),
            pos: 0,
            done: false,
            array: Some(array),
            digest: Default::default(),
            canon: Vec::new(),
            writer: PyjsonWriter::new(),
            bytes: 0,
        }
    }

    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        if self.next == self.count {
            if let Some(mut a) = self.array.take() {
                a.update(b"]");
                *self.digest.lock().unwrap() = Some(a.finalize().into());
                self.buf
                    .extend_from_slice(b"], \"bundle_signature\": \"unchecked\"}");
            } else {
                self.done = true;
            }
            return;
        }
        let e = entry(self.next, &self.prev);
        let array = self.array.as_mut().unwrap();
        if self.next > 0 {
            self.buf.extend_from_slice(b", ");
            array.update(b",");
        }
        py_dumps(&e, &mut self.buf);
        self.canon.clear();
        self.writer.write(&e, &mut self.canon);
        array.update(&self.canon);
        self.prev = e.get("entry_hash").unwrap().as_str().unwrap().to_owned();
        self.next += 1;
    }
}

impl Read for LazyBundle {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.buf.len() && !self.done {
            self.refill();
        }
        let n = (self.buf.len() - self.pos).min(out.len());
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        self.bytes += n as u64;
        Ok(n)
    }
}

fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Verifies a lazily generated bundle of `count` entries; returns the peak
/// RSS growth in KiB and the bundle size in bytes.
fn run(count: u64) -> Option<(u64, u64)> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Reset the peak to the current RSS where the kernel allows it.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let Some(before) = status_kib("VmHWM:") else {
        eprintln!("skipped: /proc/self/status has no VmHWM");
        return None;
    };
    let bundle = LazyBundle::new(count);
    let digest = bundle.digest.clone();
    let counted = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    struct Counting<R>(R, std::sync::Arc<std::sync::atomic::AtomicU64>);
    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(out)?;
            self.1
                .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
            Ok(n)
        }
    }
    let r = verify_bundle_reader_with(
        Counting(bundle, counted.clone()),
        BundleContext::default(),
        StreamOptions { threads: 2 },
    );
    let after = status_kib("VmHWM:").unwrap();
    assert_eq!(r.summary.entry_count, count);
    assert!(r.summary.failures.is_empty(), "{:?}", r.summary.failures);
    assert_eq!(
        r.ledger.outcome_of("audit_bundle.entries"),
        Some(Outcome::Verified)
    );
    let want = hex_encode(&digest.lock().unwrap().expect("generator finished"));
    assert_eq!(
        r.ledger.details().get("audit_bundle.entries_digest"),
        Some(&want)
    );
    Some((
        after.saturating_sub(before),
        counted.load(std::sync::atomic::Ordering::Relaxed),
    ))
}

fn check(count: u64) {
    let Some((growth_kib, bytes)) = run(count) else {
        return;
    };
    eprintln!(
        "{count} entries, {:.1} MB streamed: peak RSS grew {:.1} MiB (bound {BOUND_MIB} MiB)",
        bytes as f64 / 1e6,
        growth_kib as f64 / 1024.0
    );
    assert!(bytes > count * 1000, "the bundle is as large as claimed");
    assert!(
        growth_kib < BOUND_MIB * 1024,
        "peak RSS grew {growth_kib} KiB over {BOUND_MIB} MiB for a {bytes}-byte bundle"
    );
}

#[test]
fn memory_is_bounded_20k() {
    check(20_001);
}

#[test]
#[ignore = "1M entries: run in release (cargo test --release -p cmcp-chain --test memory -- --ignored)"]
fn memory_is_bounded_1m() {
    check(1_000_001);
}
