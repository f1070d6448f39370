//! Intel TDX attestation: TD quote v4/v5 and TDREPORT parse, DCAP authenticate, appraise
