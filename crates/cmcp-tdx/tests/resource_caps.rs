//! TDX input caps: the evidence blob (64 KiB) and the collateral file (1 MiB).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_tdx::collateral::{Collateral, MAX_COLLATERAL_LEN};
use cmcp_tdx::parse::{Evidence, MAX_EVIDENCE_LEN};

#[test]
fn collateral_cap_is_1_mib() {
    assert_eq!(MAX_COLLATERAL_LEN, 1024 * 1024);
    let mut big = vec![b' '; MAX_COLLATERAL_LEN + 1];
    big[0] = b'{';
    let e = Collateral::from_json(&big).unwrap_err();
    assert!(
        e.to_string().contains(&MAX_COLLATERAL_LEN.to_string()),
        "{e}"
    );
    // At the cap the JSON is read (and refused for its content).
    let e = Collateral::from_json(&big[..MAX_COLLATERAL_LEN]).unwrap_err();
    assert!(
        !e.to_string().contains(&MAX_COLLATERAL_LEN.to_string()),
        "{e}"
    );
}

#[test]
fn evidence_cap_is_64_kib() {
    assert_eq!(MAX_EVIDENCE_LEN, 64 * 1024);
    let e = Evidence::parse(&vec![0u8; MAX_EVIDENCE_LEN + 1]).unwrap_err();
    assert!(e.to_string().contains(&MAX_EVIDENCE_LEN.to_string()), "{e}");
    // At the cap the bytes are judged as evidence, not refused for their size.
    let e = Evidence::parse(&vec![0u8; MAX_EVIDENCE_LEN]).unwrap_err();
    assert!(
        !e.to_string().contains(&MAX_EVIDENCE_LEN.to_string()),
        "{e}"
    );
}
