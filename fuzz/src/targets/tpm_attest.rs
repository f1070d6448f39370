//! TPMS_ATTEST in every framing the verifier accepts.

use cmcp_tpm::parse::Attest;

/// Parses `data` as an attest structure, a quote and an NV certify.
pub fn run(data: &[u8]) {
    if let Ok(a) = Attest::parse(data) {
        let _ = a.quote();
    }
    let _ = Attest::parse_quote(data);
    let _ = Attest::parse_nv_certify(data);
}
