//! COSE manifest envelope size cap and CBOR nesting cap.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_receipt::manifest::{CoseError, MAX_MANIFEST_BYTES, cbor, decode_envelope};

#[test]
fn cose_envelope_cap_is_1_mib() {
    assert_eq!(MAX_MANIFEST_BYTES, 1024 * 1024);
    let big = vec![0xd2u8; MAX_MANIFEST_BYTES + 1];
    assert!(
        matches!(decode_envelope(&big), Err(CoseError::TooLarge(n)) if n == MAX_MANIFEST_BYTES + 1)
    );
}

#[test]
fn cbor_nesting_cap() {
    assert_eq!(cbor::MAX_DEPTH, 16);
    // Arrays of one element nested: 0x81 ... 0x00.
    let nest = |n: usize| {
        let mut v = vec![0x81u8; n];
        v.push(0x00);
        v
    };
    assert!(cbor::decode(&nest(cbor::MAX_DEPTH - 1)).is_ok());
    assert!(cbor::decode(&nest(cbor::MAX_DEPTH + 1)).is_err());
}
