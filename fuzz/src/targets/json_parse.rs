//! `cmcp_json::parse` (strict, in memory) and the Python-json canonical
//! form of whatever it accepts: never a panic.

/// Parses `data`; an accepted document is also canonicalized.
pub fn run(data: &[u8]) {
    if let Ok(v) = cmcp_json::parse(data) {
        let _ = cmcp_json::canonical::pyjson_vec(&v);
        let _ = cmcp_json::canonical::jcs(&v);
    }
    let _ = cmcp_json::parse_with(
        data,
        cmcp_json::Limits {
            max_bytes: 1 << 16,
            max_depth: 4,
            max_int_digits: 8,
        },
    );
}
