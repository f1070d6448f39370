//! Chain validation over fuzzed certificate input: against a fixed
//! synthetic root (a self-signed P-256 CA generated for this harness, not a
//! fixture), and against the input's own last certificate.

use cmcp_policy::Timestamp;
use cmcp_x509::{Certificate, ChainPolicy, parse_certs, verify_chain};

/// DER of the harness root, "CN=cmcp fuzz fixed root", valid 2026–2126.
const ROOT_HEX: &str = "3082019130820138a003020102020101300a06082a8648ce3d040302301f311d301b06035504030c14636d63702066757a7a20666978656420726f6f743020170d3236313230333131343732395a180f32313236313130393131343732395a301f311d301b06035504030c14636d63702066757a7a20666978656420726f6f743059301306072a8648ce3d020106082a8648ce3d030107034200041d8f1f7a758021610f57ff8c5ef2e8970552f8031baddcd629ed2e78cb0ce6ce5cda04c3e921402ff361353c8a2e59a420ef4c5c2a8847ed6946f7a1a25f16aaa3633061301d0603551d0e041604146d6fb614654936c5dd720b3baa39ab5ff3c16bae301f0603551d230418301680146d6fb614654936c5dd720b3baa39ab5ff3c16bae300f0603551d130101ff040530030101ff300e0603551d0f0101ff040403020106300a06082a8648ce3d0403020347003044022066a4303933919f149948a3e28ca4b7d3b250503b00ef21e19bc631ae16536f8c022041a9f7cc6b41c54c88b6c9046e1d6bed8eb2d052c7c5420cba35de6779951d27";

fn hex(s: &str) -> Vec<u8> {
    let nib = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => 0,
    };
    s.as_bytes()
        .chunks_exact(2)
        .map(|p| match p {
            [a, b] => (nib(*a) << 4) | nib(*b),
            _ => 0,
        })
        .collect()
}

/// The fixed root, parsed (None only if the constant is broken).
pub fn root() -> Option<Certificate> {
    Certificate::from_der(&hex(ROOT_HEX.trim())).ok()
}

/// Validates the certificates in `data` against the fixed root and
/// against their own last certificate.
pub fn run(data: &[u8]) {
    let Ok(chain) = parse_certs(data) else { return };
    let mut policy = ChainPolicy::at(Timestamp::from_unix(1_796_083_200));
    if let Some(r) = root() {
        let _ = verify_chain(&chain, std::slice::from_ref(&r), &policy);
    }
    if let Some(last) = chain.last() {
        let _ = verify_chain(&chain, std::slice::from_ref(last), &policy);
        policy.allow_sha1 = true;
        policy.reject_unknown_critical = true;
        policy.require_leaf_not_ca = false;
        let _ = verify_chain(&chain, std::slice::from_ref(last), &policy);
    }
}
