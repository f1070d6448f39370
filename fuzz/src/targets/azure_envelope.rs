//! The Azure CVM envelope and its parts: HCL report, quote signature,
//! quote extra data, HCL runtime-data AK.

use cmcp_sev_snp::azure;

/// Parses `data` as every Azure CVM structure.
pub fn run(data: &[u8]) {
    let _ = azure::Envelope::parse(data);
    if let Ok(h) = azure::split_hcl_report(data) {
        let _ = h;
    }
    let _ = azure::QuoteSignature::parse(data);
    let _ = azure::quote_extra_data(data);
    let _ = azure::hcl_ak_pub(data);
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = azure::ak_from_pem(s);
    }
}
