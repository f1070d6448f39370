//! Embodied-action receipts: input is a JSON object
//! `{"entry": …, "payload": …, "claim": …}` (any member may be missing).

use cmcp_json::Value;
use cmcp_receipt::embodied::{EmbodiedPolicy, verify};

/// Runs the embodied profile over the members of `data`.
pub fn run(data: &[u8]) {
    let Ok(v) = cmcp_json::parse(data) else {
        return;
    };
    let entry = v.get("entry").unwrap_or(&v);
    let payload = v.get("payload").unwrap_or(&Value::Null);
    let claim = v.get("claim");
    let mut policy = EmbodiedPolicy::new(cmcp_policy::Timestamp::from_unix(1_796_083_200));
    let _ = verify(entry, payload, claim, &policy);
    policy.require_receipt = true;
    policy.refuse_self_report = true;
    let _ = verify(entry, payload, claim, &policy);
    let _ = cmcp_receipt::embodied::action_ref(payload);
}
