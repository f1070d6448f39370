//! The TCG event log (crypto-agile and SHA-1 forms) and its replay.

use cmcp_tpm::eventlog::EventLog;
use cmcp_tpm::parse::HashAlg;

/// Parses `data` as an event log and replays it in every bank.
pub fn run(data: &[u8]) {
    if let Ok(log) = EventLog::parse(data) {
        for alg in [
            HashAlg::Sha1,
            HashAlg::Sha256,
            HashAlg::Sha384,
            HashAlg::Sha512,
        ] {
            let _ = log.replay(alg);
        }
    }
}
