//! Inputs found by `cargo fuzz` (fuzz/), pinned until fixed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_json::{canonical, parse};

/// Found by the `json_canon` target (input `1e17`, 4 bytes): RFC 8785 output
/// must re-canonicalize to itself. `1e17` renders as `100000000000000000`,
/// which parses back as an integer: exactly the same binary64 value, so it
/// must render the same (fixed). An integer that is not exactly a binary64
/// value is still refused.
#[test]
fn jcs_of_1e17_is_a_fixed_point() {
    let v1 = parse(b"1e17").unwrap();
    let j1 = canonical::jcs(&v1).unwrap();
    assert_eq!(j1, b"100000000000000000");
    let v2 = parse(&j1).unwrap();
    assert_eq!(canonical::jcs(&v2).unwrap(), j1);
    assert_eq!(
        canonical::jcs(&parse(b"-18446744073709551616").unwrap()).unwrap(),
        b"-18446744073709552000"
    );
    assert!(canonical::jcs(&parse(b"9007199254740993").unwrap()).is_err());
    // The cMCP profile still refuses anything outside the safe range.
    assert!(canonical::cjcs(&v2).is_err());
}

/// The pyjson form of the same input is a fixed point (guards the harness).
#[test]
fn pyjson_of_1e17_is_a_fixed_point() {
    let c1 = canonical::pyjson_vec(&parse(b"1e17").unwrap());
    assert_eq!(c1, b"1e+17");
    assert_eq!(canonical::pyjson_vec(&parse(&c1).unwrap()), c1);
}
