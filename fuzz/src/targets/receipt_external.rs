//! External execution evidence receipts (`external_execution_evidence`).

use std::collections::BTreeMap;

/// Verifies `data` (JSON) as a receipt for call `c1`, with and without a pinned key.
pub fn run(data: &[u8]) {
    let Ok(v) = cmcp_json::parse(data) else {
        return;
    };
    let none = BTreeMap::new();
    let _ = cmcp_receipt::external::verify(&v, Some("c1"), &none);
    let _ = cmcp_receipt::external::verify(&v, None, &none);
    let key = [7u8; 32];
    let mut one = BTreeMap::new();
    one.insert(cmcp_receipt::external::key_id(&key), key);
    let call = v.get("linked_call_id").and_then(cmcp_json::Value::as_str);
    let _ = cmcp_receipt::external::verify(&v, call, &one);
}
