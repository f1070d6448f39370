//! PEM/DER certificate input: `parse_certs`, `Certificate::from_der`, the
//! PEM bundle reader and the CRL parser.

use cmcp_x509::{Certificate, Crl, parse_certs, parse_pem_bundle};

/// Parses `data` as certificates and as a CRL.
pub fn run(data: &[u8]) {
    if let Ok(certs) = parse_certs(data) {
        for c in &certs {
            let _ = c.der();
        }
    }
    let _ = parse_pem_bundle(data);
    let _ = Certificate::from_der(data);
    let _ = Crl::parse(data);
}
