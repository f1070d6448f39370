#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cmcp_fuzz::targets::receipt_trace_action::run(data));
