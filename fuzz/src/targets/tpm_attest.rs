//! TPMS_ATTEST in every framing the verifier accepts, and the NV-certify
//! envelope that carries two of them.

use cmcp_tpm::nvcertify::Envelope;
use cmcp_tpm::parse::Attest;

/// Parses `data` as an attest structure, a quote and an NV certify, and as
/// an NV-certify envelope: an envelope that parses re-encodes to one that
/// parses to the same value, and both of its attests go through the parser.
pub fn run(data: &[u8]) {
    if let Ok(a) = Attest::parse(data) {
        let _ = a.quote();
    }
    let _ = Attest::parse_quote(data);
    let _ = Attest::parse_nv_certify(data);
    if let Ok(e) = Envelope::parse(data) {
        let again = Envelope::parse(e.to_json().as_bytes());
        assert_eq!(
            again.as_ref(),
            Ok(&e),
            "envelope re-encoding is not a fixed point"
        );
        let _ = Attest::parse_nv_certify(&e.pre_attest);
        let _ = Attest::parse_nv_certify(&e.post_attest);
    }
}
