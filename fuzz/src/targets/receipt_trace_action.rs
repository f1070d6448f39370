//! TRACE action receipts, driven through the vector runner (context,
//! action, trusted keys, evidence, receipt in one JSON document).

/// Runs `data` (JSON) as a TRACE action-receipt vector.
pub fn run(data: &[u8]) {
    let Ok(v) = cmcp_json::parse(data) else {
        return;
    };
    let _ = cmcp_receipt::trace_action::run_vector(&v);
    let _ = cmcp_receipt::trace_action::action_ref(&v);
}
