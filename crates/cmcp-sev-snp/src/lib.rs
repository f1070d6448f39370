//! AMD SEV-SNP and Azure confidential-VM attestation: parse, authenticate, appraise
