#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! Chain hashing (entries/s and bytes/s) at 1k, 10k and 100k entries,
//! canonicalization throughput, and one software-only claim.

use cmcp_chain::{BundleContext, StreamOptions, verify_bundle_bytes, verify_bundle_reader_with};
use cmcp_claim::verify_claim_bytes;
use cmcp_policy::{Timestamp, VerifyOptions};
use cmcp_testkit::{Call, Session, to_text};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn session(n: usize) -> Session {
    let tools = ["github.search", "jira.create", "payments.refund", "fs.read"];
    let decisions = ["allow", "deny", "advisory_deny", "redact", "fault"];
    let mut s = Session::new([3u8; 32], "bench");
    for i in 0..n {
        s = s.call(Call::new(
            tools[i % tools.len()],
            decisions[i % decisions.len()],
        ));
    }
    s
}

fn chain(c: &mut Criterion) {
    let mut g = c.benchmark_group("chain_hashing");
    g.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let (claim, bundle) = session(n - 1).build();
        let bundle_text = to_text(&bundle);
        let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
        let claim_text = to_text(&claim);
        let check = verify_claim_bytes(claim_text.as_bytes(), &opts, &[]);
        g.throughput(Throughput::Bytes(bundle_text.len() as u64));
        g.bench_function(format!("verify_bundle_{n}"), |b| {
            b.iter(|| {
                let ctx = BundleContext {
                    claim: check.claim.as_ref(),
                    claim_key: check.verified_key.as_ref(),
                    claim_problem: None,
                    evidence_keys: None,
                };
                let r = verify_bundle_bytes(black_box(bundle_text.as_bytes()), ctx);
                assert!(r.summary.verified);
            })
        });
        g.throughput(Throughput::Bytes(bundle_text.len() as u64));
        g.bench_function(format!("verify_bundle_1thread_{n}"), |b| {
            b.iter(|| {
                let ctx = BundleContext {
                    claim: check.claim.as_ref(),
                    claim_key: check.verified_key.as_ref(),
                    claim_problem: None,
                    evidence_keys: None,
                };
                let r = verify_bundle_reader_with(
                    black_box(bundle_text.as_bytes()),
                    ctx,
                    StreamOptions { threads: 1 },
                );
                assert!(r.summary.verified);
            })
        });
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("verify_bundle_entries_{n}"), |b| {
            b.iter(|| {
                let ctx = BundleContext {
                    claim: check.claim.as_ref(),
                    claim_key: check.verified_key.as_ref(),
                    claim_problem: None,
                    evidence_keys: None,
                };
                let r = verify_bundle_bytes(black_box(bundle_text.as_bytes()), ctx);
                assert!(r.summary.verified);
            })
        });
        g.bench_function(format!("entries_{n}"), |b| {
            let parsed = cmcp_chain::parse_bundle(bundle_text.as_bytes()).unwrap();
            let entries = parsed.get("entries").unwrap().as_array().unwrap().to_vec();
            b.iter(|| {
                let mut h = cmcp_chain::EntryHasher::new();
                for e in &entries {
                    black_box(h.push(e.as_object().unwrap()));
                }
                black_box(h.finish())
            })
        });
    }
    g.finish();
}

fn canonical(c: &mut Criterion) {
    let (_, bundle) = session(1_000).build();
    let text = to_text(&bundle);
    let v = cmcp_json::parse_with(
        text.as_bytes(),
        cmcp_json::Limits {
            max_bytes: usize::MAX,
            ..cmcp_json::Limits::CLAIM
        },
    )
    .unwrap();
    let mut g = c.benchmark_group("canonicalization");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| black_box(cmcp_chain::parse_bundle(text.as_bytes()).unwrap()))
    });
    g.bench_function("pyjson", |b| {
        b.iter(|| black_box(cmcp_json::canonical::pyjson_vec(&v)))
    });
    let mut w = cmcp_json::canonical::PyjsonWriter::new();
    let mut out = Vec::with_capacity(text.len());
    g.bench_function("pyjson_writer_reused", |b| {
        b.iter(|| {
            out.clear();
            w.write(black_box(&v), &mut out);
            black_box(out.len())
        })
    });
    // The streaming fast path: each entry read into a reusable tape and
    // written canonically (no value tree), as the bundle workers do.
    let entries: Vec<Vec<u8>> = v
        .get("entries")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| to_text(e).into_bytes())
        .collect();
    let entry_bytes: usize = entries.iter().map(Vec::len).sum();
    g.throughput(Throughput::Bytes(entry_bytes as u64));
    let mut tape = cmcp_json::tape::Tape::new();
    let mut out = Vec::with_capacity(entry_bytes);
    g.bench_function("tape_parse_and_pyjson", |b| {
        b.iter(|| {
            out.clear();
            for e in &entries {
                assert!(tape.parse(black_box(e)));
                tape.write_pyjson_cut(e, "entry_hash", &mut out);
            }
            black_box(out.len())
        })
    });
    g.finish();
}

fn claim(c: &mut Criterion) {
    let s = session(10);
    let (claim, _) = s.build();
    let text = to_text(&claim);
    let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
    c.bench_function("software_only_claim", |b| {
        b.iter(|| black_box(verify_claim_bytes(text.as_bytes(), &opts, &[])))
    });
    // The floor: one strict Ed25519 verification of the claim's signature input.
    use ed25519_dalek::Signer as _;
    let key = s.key();
    let msg = {
        let mut m = Vec::new();
        cmcp_json::canonical::pyjson_object_except(
            claim.as_object().unwrap(),
            Some("signature"),
            &mut m,
        );
        m
    };
    let sig = key.sign(&msg);
    let vk = key.verifying_key();
    c.bench_function("ed25519_verify_strict", |b| {
        b.iter(|| black_box(vk.verify_strict(black_box(&msg), &sig).is_ok()))
    });
}

criterion_group!(benches, chain, canonical, claim);
criterion_main!(benches);
