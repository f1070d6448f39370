//! The SEV-SNP attestation report parser.

/// Parses `data` as an SNP report.
pub fn run(data: &[u8]) {
    let _ = cmcp_sev_snp::parse::AttestationReport::parse(data);
}
