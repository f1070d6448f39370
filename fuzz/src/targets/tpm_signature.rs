//! TPMT_SIGNATURE.

/// Parses `data` as a TPM signature.
pub fn run(data: &[u8]) {
    let _ = cmcp_tpm::parse::Signature::parse(data);
}
