//! Bundle caps at the boundary, on the streaming path (`verify_bundle_reader`,
//! what the CLI runs) and the parsed-value path (`parse_bundle` +
//! `verify_bundle`): each entry's JSON text is at most `MAX_ENTRY_BYTES`, and
//! nesting, counted from the bundle object (level 1; `entries` is level 2,
//! an entry level 3), is at most `MAX_ENTRY_DEPTH` levels.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_chain::{
    BundleContext, MAX_ENTRY_BYTES, MAX_ENTRY_DEPTH, StreamOptions, codes, parse_bundle,
    verify_bundle, verify_bundle_reader_with,
};
use cmcp_json::ParseError;

/// The first failure of the streaming verdict on `doc`.
fn streamed(doc: &str) -> (String, String) {
    let r = verify_bundle_reader_with(
        doc.as_bytes(),
        BundleContext::default(),
        StreamOptions { threads: 1 },
    );
    let f = &r.summary.failures[0];
    (f.code.to_owned(), f.message.clone())
}

/// `{"detail":"x…x"}`, exactly `len` bytes of JSON text.
fn entry_of_len(len: usize) -> String {
    let fill = len - r#"{"detail":""}"#.len();
    format!(r#"{{"detail":"{}"}}"#, "x".repeat(fill))
}

fn bundle_with(entry: &str) -> String {
    format!(r#"{{"entries":[{entry}],"session_id":"s"}}"#)
}

#[test]
fn entry_size_cap_is_1_mib() {
    assert_eq!(MAX_ENTRY_BYTES, 1024 * 1024);
    // At the cap the entry is read and judged as an entry (it lacks the
    // required members); one byte more and it is refused for its size.
    let (code, message) = streamed(&bundle_with(&entry_of_len(MAX_ENTRY_BYTES)));
    assert_ne!(code, codes::BUNDLE_MALFORMED, "{message}");
    assert!(!message.contains("over the cap"), "{message}");
    let (code, message) = streamed(&bundle_with(&entry_of_len(MAX_ENTRY_BYTES + 1)));
    assert_eq!(code, codes::BUNDLE_MALFORMED);
    assert_eq!(
        message,
        "bundle is not acceptable JSON: value starting at byte 12 is over the cap of 1048576 bytes"
    );
}

#[test]
fn entry_nesting_cap_is_64_levels_from_the_bundle() {
    assert_eq!(MAX_ENTRY_DEPTH, 64);
    // Levels: bundle 1, entries 2, entry 3, then `k` arrays: 3 + k in all.
    let nested = |k: usize| {
        bundle_with(&format!(
            r#"{{"detail":{}{}}}"#,
            "[".repeat(k),
            "]".repeat(k)
        ))
    };
    let at_cap = nested(MAX_ENTRY_DEPTH - 3);
    let over = nested(MAX_ENTRY_DEPTH - 2);

    let (at_cap_code, message) = streamed(&at_cap);
    assert_ne!(at_cap_code, codes::BUNDLE_MALFORMED, "{message}");
    let (code, message) = streamed(&over);
    assert_eq!(code, codes::BUNDLE_MALFORMED);
    assert!(
        message.contains("nesting deeper than 64 levels"),
        "{message}"
    );

    // The parsed-value path draws the line at the same level.
    let parsed = parse_bundle(at_cap.as_bytes()).unwrap();
    let r = verify_bundle(&parsed, BundleContext::default());
    assert_eq!(
        r.summary.failures[0].code, at_cap_code,
        "{:?}",
        r.summary.failures
    );
    assert!(matches!(
        parse_bundle(over.as_bytes()),
        Err(ParseError::TooDeep { cap: 64, .. })
    ));
}
