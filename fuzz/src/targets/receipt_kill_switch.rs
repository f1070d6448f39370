//! Kill-switch receipts: input is `{"receipt": …, "claim": …}`.

use cmcp_json::Value;

/// Verifies the receipt member against the claim member.
pub fn run(data: &[u8]) {
    let Ok(v) = cmcp_json::parse(data) else {
        return;
    };
    let receipt = v.get("receipt").unwrap_or(&v);
    let claim = v.get("claim").unwrap_or(&Value::Null);
    let _ = cmcp_receipt::kill_switch::verify(receipt, claim);
    if let Some(o) = claim.as_object() {
        let _ = cmcp_receipt::kill_switch::claim_digest(o);
    }
}
