//! The TD quote (v4/v5) parser, its QE certification data and the
//! self-describing evidence parser.

use cmcp_tdx::{authenticate, parse};

/// Parses `data` as a quote (and as raw evidence); a parsed quote's
/// signature, QE binding and PCK chain extraction are exercised too.
pub fn run(data: &[u8]) {
    if let Ok(q) = parse::TdQuote::parse(data) {
        let _ = authenticate::verify_quote_signature(&q);
        let _ = authenticate::verify_qe_binding(&q);
        let _ = authenticate::pck_chain(&q);
    }
    let _ = parse::Evidence::parse(data);
    let _ = parse::pem_certificates(data);
    let _ = cmcp_tdx::pck::parse_sgx_extension(data);
}
