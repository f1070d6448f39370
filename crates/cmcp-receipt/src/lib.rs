//! Receipt verification: external execution evidence and related receipts
