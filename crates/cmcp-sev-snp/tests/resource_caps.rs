//! Azure CVM envelope size cap and the fixed SNP report length.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use cmcp_sev_snp::azure::{Envelope, EnvelopeError, MAX_ENVELOPE};

#[test]
fn azure_envelope_cap_is_256_kib() {
    assert_eq!(MAX_ENVELOPE, 256 * 1024);
    let mut big = vec![b' '; MAX_ENVELOPE + 1];
    big[0] = b'{';
    assert!(
        matches!(Envelope::parse(&big), Err(EnvelopeError::TooLarge(n)) if n == MAX_ENVELOPE + 1)
    );
    // At the cap the size check passes and the JSON is judged instead.
    let at = &big[..MAX_ENVELOPE];
    assert!(matches!(Envelope::parse(at), Err(EnvelopeError::Json(_))));
}

#[test]
fn snp_report_is_exactly_1184_bytes() {
    use cmcp_sev_snp::parse::AttestationReport;
    let mut r = vec![0u8; 1185];
    r[0] = 2;
    assert!(
        AttestationReport::parse(&r).is_err(),
        "one byte over the report size"
    );
    assert!(
        AttestationReport::parse(&r[..1183]).is_err(),
        "one byte short"
    );
}
