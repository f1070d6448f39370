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
    // Sixteen nested arrays pass, seventeen are too deep.
    assert!(cbor::decode(&nest(cbor::MAX_DEPTH)).is_ok());
    assert_eq!(
        cbor::decode(&nest(cbor::MAX_DEPTH + 1)),
        Err(cbor::CborError::TooDeep)
    );
}

#[test]
fn cbor_item_cap_is_4096_per_array_or_map() {
    assert_eq!(cbor::MAX_ITEMS, 4096);
    // An array of `n` zeros: 0x99 (u16 length) n, then n bytes 0x00.
    let array = |n: u16| {
        let mut v = vec![0x99];
        v.extend_from_slice(&n.to_be_bytes());
        v.extend(std::iter::repeat_n(0u8, usize::from(n)));
        v
    };
    match cbor::decode(&array(4096)) {
        Ok(cbor::Item::Array(items)) => assert_eq!(items.len(), 4096),
        other => panic!("4096 items: {other:?}"),
    }
    assert_eq!(cbor::decode(&array(4097)), Err(cbor::CborError::TooLong(0)));
    // A map of `n` pairs `i => 0` (keys 0x19 i, unique).
    let map = |n: u16| {
        let mut v = vec![0xb9];
        v.extend_from_slice(&n.to_be_bytes());
        for i in 0..n {
            v.push(0x19);
            v.extend_from_slice(&i.to_be_bytes());
            v.push(0);
        }
        v
    };
    match cbor::decode(&map(4096)) {
        Ok(cbor::Item::Map(pairs)) => assert_eq!(pairs.len(), 4096),
        other => panic!("4096 pairs: {other:?}"),
    }
    assert_eq!(cbor::decode(&map(4097)), Err(cbor::CborError::TooLong(0)));
}

#[test]
fn cose_envelope_at_the_cap_is_decoded() {
    // Exactly MAX_MANIFEST_BYTES: decoded as CBOR (a byte string with one
    // trailing byte), not refused for its size.
    let mut at = vec![0x5a];
    let len = u32::try_from(MAX_MANIFEST_BYTES - 6).unwrap();
    at.extend_from_slice(&len.to_be_bytes());
    at.resize(MAX_MANIFEST_BYTES, 0);
    assert_eq!(at.len(), MAX_MANIFEST_BYTES);
    assert!(matches!(
        decode_envelope(&at),
        Err(CoseError::Cbor(cbor::CborError::Trailing))
    ));
}
