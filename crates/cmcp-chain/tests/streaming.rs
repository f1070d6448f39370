#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! The streaming path gives the verdicts of the parsed-value path on the
//! same documents, whatever the read size and thread count.

use cmcp_chain::{BundleContext, StreamOptions, codes, verify_bundle, verify_bundle_reader_with};
use cmcp_claim::verify_claim_bytes;
use cmcp_json::{Limits, Value};
use cmcp_policy::{Timestamp, VerifyOptions};
use cmcp_testkit::{Call, Session, to_text};
use std::io::Read;

struct Slow<'a>(&'a [u8], usize);
impl Read for Slow<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(self.0.len()).min(out.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn session(n: usize) -> Session {
    let mut s = Session::new([5u8; 32], "sess-stream");
    for i in 0..n {
        s = s.call(Call::new(
            ["a.b", "c.d"][i % 2],
            ["allow", "deny", "fault"][i % 3],
        ));
    }
    s
}

/// The in-memory verdict: parse whole (no size cap), then walk the value.
fn reference(doc: &[u8], ctx: BundleContext<'_>) -> cmcp_chain::BundleReport {
    let lim = Limits {
        max_bytes: usize::MAX,
        max_depth: 64,
        max_int_digits: 4300,
    };
    // A valid-UTF-8 document that does not open with `{` is refused at
    // its first byte, whatever follows.
    let opens_object = doc.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if !opens_object && std::str::from_utf8(doc).is_ok() && !doc.starts_with(b"\xEF\xBB\xBF") {
        let mut v = cmcp_chain::ChainVerifier::new(ctx);
        v.malformed("bundle is not an object");
        return v.finish(None, None);
    }
    match cmcp_json::parse_with(doc, lim) {
        Ok(v) => verify_bundle(&v, ctx),
        Err(e) => {
            let mut v = cmcp_chain::ChainVerifier::new(ctx);
            v.malformed(format!("bundle is not acceptable JSON: {e}"));
            v.finish(None, None)
        }
    }
}

fn check_same(name: &str, doc: &[u8], ctx: BundleContext<'_>) -> cmcp_chain::BundleReport {
    let want = reference(doc, ctx);
    for threads in [1, 2, 3] {
        for chunk in [7usize, 4096, 1 << 20] {
            let got = verify_bundle_reader_with(Slow(doc, chunk), ctx, StreamOptions { threads });
            assert_eq!(got, want, "{name}: threads {threads} chunk {chunk}");
        }
    }
    want
}

fn text_with(bundle: &Value, f: impl FnOnce(&mut cmcp_json::Object)) -> Vec<u8> {
    let mut b = bundle.clone();
    if let Value::Object(o) = &mut b {
        f(o);
    }
    to_text(&b).into_bytes()
}

fn entries_mut(o: &mut cmcp_json::Object) -> &mut Vec<Value> {
    match o.get_mut("entries") {
        Some(Value::Array(a)) => a,
        _ => panic!("entries"),
    }
}

#[test]
fn streaming_matches_parsed_verdicts() {
    // 1500 entries: several batches, so the threaded path runs.
    let s = session(1499);
    let (claim, bundle) = s.build();
    let claim_text = to_text(&claim);
    let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
    let check = verify_claim_bytes(claim_text.as_bytes(), &opts, &[]);
    let ctx = BundleContext {
        claim: check.claim.as_ref(),
        claim_key: check.verified_key.as_ref(),
        claim_problem: None,
        evidence_keys: None,
    };
    let good = to_text(&bundle).into_bytes();
    let r = check_same("good", &good, ctx);
    assert!(r.summary.verified, "{:?}", r.summary.failures);
    assert_eq!(r.summary.entry_count, 1500);

    // Members in another order, and whitespace.
    let mut reordered = Vec::new();
    let o = bundle.as_object().unwrap();
    reordered.extend_from_slice(b"{ \"bundle_signature\" : ");
    reordered.extend_from_slice(to_text(o.get("bundle_signature").unwrap()).as_bytes());
    reordered.extend_from_slice(b",\n\"session_id\":");
    reordered.extend_from_slice(to_text(o.get("session_id").unwrap()).as_bytes());
    reordered.extend_from_slice(b", \"entries\" :\n[ ");
    for (n, e) in o
        .get("entries")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        if n > 0 {
            reordered.extend_from_slice(b" ,\n ");
        }
        reordered.extend_from_slice(to_text(e).as_bytes());
    }
    reordered.extend_from_slice(b" ] }\n");
    assert!(check_same("reordered", &reordered, ctx).summary.verified);

    // Tampering: content, link, a non-object entry, shapes, JSON errors.
    let altered = text_with(&bundle, |o| {
        if let Value::Object(e) = &mut entries_mut(o)[700] {
            e.insert("tool_name", Value::from("x.y"));
        }
    });
    let r = check_same("altered", &altered, ctx);
    assert_eq!(r.summary.failures[0].code, codes::ENTRY_HASH_MISMATCH);
    assert_eq!(r.summary.failures[0].entry, Some(700));

    let non_object = text_with(&bundle, |o| entries_mut(o)[1200] = Value::from(7));
    let r = check_same("non-object", &non_object, ctx);
    assert_eq!(
        r.summary.failures[0].message,
        "bundle.entries[1200] is not an object"
    );
    assert_eq!(r.summary.entry_count, 1500);

    let unknown_after = {
        let mut t = good.clone();
        t.pop();
        t.extend_from_slice(br#","zz":1}"#);
        t
    };
    let with_bad_entry = {
        let t = String::from_utf8(non_object.clone()).unwrap();
        let mut t = t.into_bytes();
        t.pop();
        t.extend_from_slice(br#","zz":[1,2]}"#);
        t
    };
    let r = check_same("unknown after entries", &with_bad_entry, ctx);
    assert_eq!(
        r.summary.failures[0].message,
        "bundle has an unexpected member \"zz\""
    );
    check_same("unknown after", &unknown_after, ctx);

    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "no signature",
            text_with(&bundle, |o| {
                o.remove("bundle_signature");
            }),
        ),
        (
            "entries not array",
            br#"{"entries":{"a":1},"session_id":"s"}"#.to_vec(),
        ),
        ("empty", br#"{"entries":[]}"#.to_vec()),
        ("no entries", br#"{"session_id":"s"}"#.to_vec()),
        ("array", b"[1,2,3]".to_vec()),
        ("string", b" \"x\" ".to_vec()),
        ("not json array", b"[1,2,}".to_vec()),
        ("empty doc", b"".to_vec()),
        ("dup top", br#"{"entries":[],"entries":[]}"#.to_vec()),
        ("dup in entry", {
            let mut t = good.clone();
            let at = t.windows(12).rposition(|w| w == b"\"entry_type\"").unwrap();
            t.splice(at..at, br#""call_id":"x","#.iter().copied());
            t
        }),
        ("trailing", {
            let mut t = good.clone();
            t.extend_from_slice(b" {}");
            t
        }),
        ("bad utf8 late", {
            let mut t = good.clone();
            t.extend_from_slice(b"   \xff");
            t
        }),
        ("bad utf8 in string after syntax error", {
            let mut t = good.clone();
            let at = t.len() / 2;
            t.insert(at, b',');
            t.insert(t.len() - 3, 0xC3);
            t
        }),
        ("truncated", good[..good.len() / 3].to_vec()),
        ("nan", br#"{"entries":[{"a":NaN}]}"#.to_vec()),
        (
            "deep",
            format!(r#"{{"entries":[{}{}]}}"#, "[".repeat(70), "]".repeat(70)).into_bytes(),
        ),
    ];
    for (name, doc) in &cases {
        let r = check_same(name, doc, ctx);
        assert!(!r.summary.verified, "{name}");
    }
}

#[test]
fn reference_gateway_bundles_stream() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/reference-gateway");
    if !dir.is_dir() {
        eprintln!("skipped: fixture folder absent ({})", dir.display());
        return;
    }
    let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
    for name in ["ref-3", "ref-100", "ref-odd-50"] {
        let claim = std::fs::read(dir.join(name).join("claim.json")).unwrap();
        let bundle = std::fs::read(dir.join(name).join("bundle.json")).unwrap();
        let check = verify_claim_bytes(&claim, &opts, &[]);
        let ctx = BundleContext {
            claim: check.claim.as_ref(),
            claim_key: check.verified_key.as_ref(),
            claim_problem: None,
            evidence_keys: None,
        };
        let r = check_same(name, &bundle, ctx);
        assert!(r.summary.verified, "{name}: {:?}", r.summary.failures);
    }
}

#[test]
fn entry_cap_is_in_the_message() {
    let big = format!(
        r#"{{"entries":[{{"detail":"{}"}}]}}"#,
        "x".repeat(cmcp_chain::MAX_ENTRY_BYTES)
    );
    let r = verify_bundle_reader_with(
        big.as_bytes(),
        BundleContext::default(),
        StreamOptions { threads: 2 },
    );
    assert_eq!(
        r.summary.failures[0].message,
        "bundle is not acceptable JSON: value starting at byte 12 is over the cap of 1048576 bytes"
    );
    assert_eq!(r.summary.entry_count, 0);
}

/// An endless input that counts what was read from it.
struct Endless {
    head: &'static [u8],
    fill: u8,
    read: usize,
}

impl Read for Endless {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = out.len().min(64 * 1024);
        for (i, b) in out[..n].iter_mut().enumerate() {
            *b = self.head.get(self.read + i).copied().unwrap_or(self.fill);
        }
        self.read += n;
        Ok(n)
    }
}

#[test]
fn a_top_level_that_is_not_an_object_is_refused_at_its_first_byte() {
    for (head, fill) in [(&b"  \n["[..], b'1'), (&b"\""[..], b'x'), (&b"7"[..], b'7')] {
        let mut src = Endless {
            head,
            fill,
            read: 0,
        };
        let r = verify_bundle_reader_with(
            &mut src,
            BundleContext::default(),
            StreamOptions { threads: 2 },
        );
        assert!(!r.summary.verified);
        assert_eq!(r.summary.entry_count, 0);
        assert_eq!(r.summary.failures.len(), 1);
        assert_eq!(r.summary.failures[0].code, codes::BUNDLE_MALFORMED);
        assert_eq!(r.summary.failures[0].message, "bundle is not an object");
        // One buffer's worth at most, not the document.
        assert!(src.read <= 1 << 20, "read {} bytes", src.read);
    }
}

#[test]
fn a_bundle_without_session_id_is_malformed() {
    let (claim, bundle) = session(3).build();
    let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
    let claim_text = to_text(&claim);
    let check = verify_claim_bytes(claim_text.as_bytes(), &opts, &[]);
    let ctx = BundleContext {
        claim: check.claim.as_ref(),
        claim_key: check.verified_key.as_ref(),
        claim_problem: None,
        evidence_keys: None,
    };
    let good = check_same("with session_id", &to_text(&bundle).into_bytes(), ctx);
    assert!(good.summary.verified, "{:?}", good.summary.failures);
    let doc = text_with(&bundle, |o| {
        o.remove("session_id");
    });
    let r = check_same("without session_id", &doc, ctx);
    assert!(!r.summary.verified);
    assert_eq!(r.summary.entry_count, 4);
    assert_eq!(r.summary.failures.len(), 1);
    assert_eq!(r.summary.failures[0].code, codes::BUNDLE_MALFORMED);
    assert_eq!(r.summary.failures[0].message, "bundle has no session_id");
    // The claim binding and the signature still verify: only the shape fails.
    assert_eq!(
        r.ledger.outcome_of("audit_bundle.entries"),
        Some(cmcp_policy::Outcome::Failed)
    );
    assert_eq!(
        r.ledger.outcome_of("audit_bundle.signature"),
        Some(cmcp_policy::Outcome::Verified)
    );
}

#[test]
fn failures_past_the_cap_are_counted_not_kept() {
    // 400 empty entries: each fails its hash, its link and its sequence
    // number (the first also its start and its session id); with the bundle
    // session id and the missing signature, 1204 failures in all.
    let doc = format!(
        r#"{{"session_id":"s","entries":[{}]}}"#,
        vec!["{}"; 400].join(",")
    );
    let r = check_same("400 bad entries", doc.as_bytes(), BundleContext::default());
    assert!(!r.summary.verified);
    assert_eq!(r.summary.entry_count, 400);
    assert_eq!(r.summary.failures.len(), cmcp_policy::MAX_BUNDLE_FAILURES);
    assert_eq!(r.summary.failure_count(), 1204);
    assert_eq!(r.summary.failures_omitted, 1104);
    assert_eq!(r.summary.failures[0].code, codes::ENTRY_HASH_MISMATCH);
    assert_eq!(r.summary.failures[99].entry, Some(32));
    assert_eq!(
        r.ledger.outcome_of("audit_bundle.entries"),
        Some(cmcp_policy::Outcome::Failed)
    );
}
