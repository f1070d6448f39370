//! Every documented parser cap, exercised at the boundary: the cap itself is
//! accepted and one over it is refused with the cap in the error.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_json::{Limits, ParseError, parse, parse_with};

#[test]
fn document_size_cap_is_limits_claim_max_bytes() {
    let cap = Limits::CLAIM.max_bytes;
    assert_eq!(cap, 4 * 1024 * 1024);
    let mut at_cap = vec![b' '; cap - 2];
    at_cap.extend_from_slice(b"{}");
    assert!(parse(&at_cap).is_ok());
    at_cap.push(b' ');
    assert_eq!(
        parse(&at_cap),
        Err(ParseError::TooLarge { len: cap + 1, cap })
    );
}

#[test]
fn nesting_depth_cap_is_64() {
    let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes();
    assert_eq!(Limits::CLAIM.max_depth, 64);
    assert!(parse(&nest(64)).is_ok());
    match parse(&nest(65)) {
        Err(ParseError::TooDeep { cap: 64, offset }) => assert_eq!(offset, 64),
        other => panic!("65 levels: {other:?}"),
    }
}

#[test]
fn integer_digit_cap_is_4300() {
    assert_eq!(Limits::CLAIM.max_int_digits, 4300);
    let digits = |n: usize| format!("[{}]", "7".repeat(n)).into_bytes();
    assert!(parse(&digits(4300)).is_ok());
    let e = parse(&digits(4301)).unwrap_err();
    assert!(e.to_string().contains("more than 4300 digits"), "{e}");
    // A custom, smaller cap is honoured the same way.
    let small = Limits {
        max_bytes: 64,
        max_depth: 2,
        max_int_digits: 3,
    };
    assert!(parse_with(b"[123]", small).is_ok());
    assert!(parse_with(b"[1234]", small).is_err());
    assert!(matches!(
        parse_with(b"[[[]]]", small),
        Err(ParseError::TooDeep { cap: 2, .. })
    ));
}
