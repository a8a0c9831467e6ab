//! Digests as auditpack writes them: lowercase hex of SHA-256 sums (`inputs.csv`,
//! `SHA256SUMS`, signer fingerprints, `prev_hash` chains). A leaf: it depends on no other
//! module of the crate, so `ingest` and `pack` share it without depending on each other.

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
