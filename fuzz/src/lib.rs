//! The body of every fuzz target, one module each. The same files are
//! compiled into each library crate's `tests/corpus_replay.rs` (by `#[path]`),
//! so the committed corpora replay on stable without libFuzzer.

/// One module per fuzz target; each exposes `pub fn run(data: &[u8])`.
pub mod targets {
    pub mod azure_envelope;
    pub mod bundle;
    pub mod claim;
    pub mod cose_manifest;
    pub mod json_canon;
    pub mod json_parse;
    pub mod json_stream;
    pub mod receipt_embodied;
    pub mod receipt_external;
    pub mod receipt_kill_switch;
    pub mod receipt_trace_action;
    pub mod snp_report;
    pub mod tdx_quote;
    pub mod tdx_report;
    pub mod tpm_attest;
    pub mod tpm_eventlog;
    pub mod tpm_signature;
    pub mod x509_certs;
    pub mod x509_chain;
}
