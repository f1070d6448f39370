//! TPM parser caps at the boundary: event-log entries and size, TPMS_ATTEST
//! and TPMT_SIGNATURE sizes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use cmcp_tpm::eventlog::{EventLog, EventLogError, MAX_EVENTS, MAX_LOG_BYTES, build_log};
use cmcp_tpm::parse::{Attest, HashAlg, MAX_ATTEST, MAX_SIGNATURE, ParseError, Signature};

#[test]
fn event_log_entry_cap_is_65536() {
    assert_eq!(MAX_EVENTS, 65_536);
    let events: Vec<(u32, u32, Vec<u8>)> = (0..MAX_EVENTS)
        .map(|i| (0, 1, vec![u8::try_from(i % 251).unwrap()]))
        .collect();
    let log = build_log(&[HashAlg::Sha256], &events);
    assert!(log.len() <= MAX_LOG_BYTES);
    let parsed = EventLog::parse(&log).unwrap();
    assert_eq!(parsed.events.len(), MAX_EVENTS);
    let mut more = events;
    more.push((0, 1, vec![1]));
    match EventLog::parse(&build_log(&[HashAlg::Sha256], &more)) {
        Err(EventLogError::TooLarge { what, size, cap }) => {
            assert_eq!(
                (what, size, cap),
                ("event count", MAX_EVENTS + 1, MAX_EVENTS)
            );
        }
        other => panic!("65,537 events: {other:?}"),
    }
}

#[test]
fn event_log_size_cap_is_8_mib() {
    assert_eq!(MAX_LOG_BYTES, 8 * 1024 * 1024);
    let big = vec![0u8; MAX_LOG_BYTES + 1];
    match EventLog::parse(&big) {
        Err(EventLogError::TooLarge { what, size, cap }) => {
            assert_eq!(
                (what, size, cap),
                ("size", MAX_LOG_BYTES + 1, MAX_LOG_BYTES)
            );
        }
        other => panic!("8 MiB + 1: {other:?}"),
    }
}

#[test]
fn attest_size_cap() {
    let mut a = vec![0u8; MAX_ATTEST + 1];
    a[..4].copy_from_slice(&[0xff, b'T', b'C', b'G']);
    match Attest::parse(&a) {
        Err(ParseError::TooLarge { size, cap, .. }) => {
            assert_eq!((size, cap), (MAX_ATTEST + 1, MAX_ATTEST))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn signature_size_cap() {
    let mut s = vec![0u8; MAX_SIGNATURE + 1];
    s[..2].copy_from_slice(&[0x00, 0x14]);
    match Signature::parse(&s) {
        Err(ParseError::TooLarge { what, size, cap }) => {
            assert_eq!(
                (what, size, cap),
                ("TPMT_SIGNATURE", MAX_SIGNATURE + 1, MAX_SIGNATURE)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn event_data_cap_is_1_mib() {
    use cmcp_tpm::eventlog::MAX_EVENT_DATA;
    assert_eq!(MAX_EVENT_DATA, 1024 * 1024);
    let ok = build_log(&[HashAlg::Sha256], &[(0, 1, vec![7u8; MAX_EVENT_DATA])]);
    assert_eq!(EventLog::parse(&ok).unwrap().events.len(), 1);
    let over = build_log(&[HashAlg::Sha256], &[(0, 1, vec![7u8; MAX_EVENT_DATA + 1])]);
    match EventLog::parse(&over) {
        Err(EventLogError::TooLarge { size, cap, .. }) => {
            assert_eq!((size, cap), (MAX_EVENT_DATA + 1, MAX_EVENT_DATA))
        }
        other => panic!("{other:?}"),
    }
}
