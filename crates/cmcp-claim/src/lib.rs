//! TRACE Claim model, key binding and claim verification
