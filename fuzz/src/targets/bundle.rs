//! Audit-bundle verification from bytes and from a reader: never a panic,
//! and both paths give the same report.

use cmcp_chain::{BundleContext, verify_bundle_bytes, verify_bundle_reader};

fn ctx() -> BundleContext<'static> {
    BundleContext {
        claim: None,
        claim_key: None,
        claim_problem: None,
        evidence_keys: None,
    }
}

/// Verifies `data` as a bundle both ways.
pub fn run(data: &[u8]) {
    let a = verify_bundle_bytes(data, ctx());
    let b = verify_bundle_reader(data, ctx());
    assert_eq!(
        a.summary.verified, b.summary.verified,
        "bytes and reader disagree"
    );
    assert_eq!(
        a.summary.entry_count, b.summary.entry_count,
        "entry counts differ"
    );
}
