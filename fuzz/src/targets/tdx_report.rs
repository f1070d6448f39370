//! The bare TDREPORT parser.

/// Parses `data` as a TDREPORT.
pub fn run(data: &[u8]) {
    let _ = cmcp_tdx::parse::TdReport::parse(data);
}
