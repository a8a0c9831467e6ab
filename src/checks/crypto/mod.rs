//! The crypto family (SPEC §16): `crypto.at_rest` from disk-encryption snapshots and
//! `crypto.in_transit` from TLS endpoint scans. They share only the snapshot rule
//! ([`super::snapshots`]).

pub(super) mod at_rest;
pub(super) mod in_transit;
