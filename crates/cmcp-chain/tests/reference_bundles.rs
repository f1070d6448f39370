#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
//! Bundles the reference gateway exported verify against their claims.

use cmcp_chain::{BundleContext, verify_bundle_bytes};
use cmcp_claim::verify_claim_bytes;
use cmcp_policy::{Timestamp, VerifyOptions};
use std::path::PathBuf;

fn fixtures() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/reference-gateway");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: fixture folder absent ({})", p.display());
        None
    }
}

#[test]
fn reference_bundles_verify() {
    let Some(dir) = fixtures() else { return };
    for (name, count) in [("ref-3", 4), ("ref-100", 0), ("ref-odd-50", 0)] {
        let claim = std::fs::read(dir.join(name).join("claim.json")).unwrap();
        let bundle = std::fs::read(dir.join(name).join("bundle.json")).unwrap();
        let opts = VerifyOptions::at(Timestamp::parse_rfc3339("2026-12-01T00:00:00Z").unwrap());
        let check = verify_claim_bytes(&claim, &opts, &[]);
        let ctx = BundleContext {
            claim: check.claim.as_ref(),
            claim_key: check.verified_key.as_ref(),
            claim_problem: None,
            evidence_keys: None,
        };
        let r = verify_bundle_bytes(&bundle, ctx);
        assert!(
            r.summary.failures.is_empty(),
            "{name}: {:#?}",
            r.summary.failures
        );
        assert!(r.summary.verified, "{name}");
        let expected: serde_like::Expected =
            serde_like::read(&dir.join(name).join("expected.json"));
        assert_eq!(r.summary.entry_count, expected.entry_count, "{name}");
        if count > 0 {
            assert_eq!(r.summary.entry_count, count);
        }
    }
}

mod serde_like {
    pub struct Expected {
        pub entry_count: u64,
    }
    pub fn read(p: &std::path::Path) -> Expected {
        let v = cmcp_json::parse(&std::fs::read(p).unwrap()).unwrap();
        Expected {
            entry_count: v
                .get("bundle")
                .unwrap()
                .get("entry_count")
                .unwrap()
                .as_int()
                .unwrap()
                .as_u64()
                .unwrap(),
        }
    }
}
