//! The claim model: `parse_claim` and `verify_claim_bytes` never panic on
//! any input, and a claim verified with no platform verifier and no pins is
//! never `verified`.

use cmcp_policy::{Status, Timestamp, VerifyOptions, decide};

/// Parses and verifies `data` as a claim.
pub fn run(data: &[u8]) {
    let _ = cmcp_claim::parse_claim(data);
    let opts = VerifyOptions::at(Timestamp::from_unix(1_796_083_200));
    let check = cmcp_claim::verify_claim_bytes(data, &opts, &[]);
    let (status, _) = decide(&check.ledger, cmcp_claim::REQUIRED_FIELDS);
    assert_ne!(
        status,
        Status::Verified,
        "a claim without hardware verified"
    );
}
