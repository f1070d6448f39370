//! The Agent Manifest v0.2 COSE_Sign1 envelope (and its CBOR decoder).

use cmcp_receipt::manifest::{SdkContext, cbor, decode_envelope, verify_cose};
use std::collections::BTreeMap;

/// Decodes and verifies `data` as a COSE manifest (no pinned keys).
pub fn run(data: &[u8]) {
    let _ = cbor::decode(data);
    let _ = decode_envelope(data);
    let keys = BTreeMap::new();
    let ctx = SdkContext::new(&keys, cmcp_policy::Timestamp::from_unix(1_796_083_200));
    let out = verify_cose(data, &ctx);
    let _ = out;
}
