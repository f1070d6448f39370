#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cmcp_fuzz::targets::tpm_eventlog::run(data));
