//! Digests as auditpack writes them: lowercase hex of SHA-256 sums (`inputs.csv`,
//! `SHA256SUMS`, signer fingerprints, `prev_hash` chains). A leaf: it depends on no other
//! module of the crate, so `ingest` and `pack` share it without depending on each other.

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A UUID derived from `name` (SHA-256, laid out as version 5): the same name, the same
/// UUID, whenever and wherever it is made (OSCAL ids, feed entry ids, calendar UIDs).
pub fn name_uuid(name: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
