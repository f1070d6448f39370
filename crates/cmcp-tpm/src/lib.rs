//! TPM 2.0 / vTPM attestation: TPMS_ATTEST and TPMT_SIGNATURE parse, AK/EK chains, PCR binding, event log
