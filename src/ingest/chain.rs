//! The `prev_hash` chain of audit logs (SPEC §4): the SHA-256 of each physical line and
//! the judged links between consecutive records. Shared by the canonical readers
//! (`canonical.rs`) and the audit stream (`audit/`), so neither depends on the other.

use crate::digest::hex;

/// What a line says of its predecessor in the `prev_hash` chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim<'a> {
    /// The line could not be read: its own link cannot be checked.
    Unreadable,
    /// Missing or empty.
    Absent,
    Value(&'a str),
}

/// The judged links of consecutive records of one file (SPEC §4 `prev_hash`): a
/// record's link is the SHA-256 of the previous physical line's bytes (without its
/// terminator) against what the record claims.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChainLinks {
    /// Records linked: every non-blank line, readable or not.
    pub count: u64,
    /// Whether any record carries a `prev_hash`.
    pub carries: bool,
    /// Lines whose `prev_hash` is not the previous line's hash, with the reason.
    pub broken: Vec<(u64, String)>,
    /// Runs `(first, last)` of lines after the first without a `prev_hash`: broken links
    /// when the file carries the column. Runs, so a file without a chain costs nothing
    /// per line.
    pub absent: Vec<(u64, u64)>,
}

impl ChainLinks {
    /// Judges the link of the record on `line`; `previous` is the hash of the line
    /// before it, `None` on the file's first line (nothing to point at).
    pub fn judge(&mut self, line: u64, previous: Option<&[u8; 32]>, claim: Claim<'_>) {
        self.count += 1;
        if let Claim::Value(_) = claim {
            self.carries = true;
        }
        let Some(previous) = previous else {
            return;
        };
        match claim {
            Claim::Value(claimed) if !hex_matches(claimed, previous) => self.broken.push((
                line,
                format!(
                    "prev_hash {claimed} but the previous line hashes to {}",
                    hex(previous)
                ),
            )),
            Claim::Value(_) | Claim::Unreadable => {}
            Claim::Absent => self.absent_run(line, line),
        }
    }

    /// Adds the links of later lines of the same file, numbered from `offset + 1`.
    pub fn append(&mut self, other: &ChainLinks, offset: u64) {
        self.count += other.count;
        self.carries |= other.carries;
        self.broken.extend(
            other
                .broken
                .iter()
                .map(|(line, reason)| (line + offset, reason.clone())),
        );
        for &(first, last) in &other.absent {
            self.absent_run(first + offset, last + offset);
        }
    }

    fn absent_run(&mut self, first: u64, last: u64) {
        match self.absent.last_mut() {
            Some(run) if run.1 + 1 == first => run.1 = last,
            _ => self.absent.push((first, last)),
        }
    }
}

/// Whether `claimed` is the hex of `hash`, in either case. (Once per audit line: the
/// hash is spelt out in lowercase and compared as one block first.)
fn hex_matches(claimed: &str, hash: &[u8; 32]) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let claimed = claimed.as_bytes();
    if claimed.len() != 64 {
        return false;
    }
    let mut lower = [0u8; 64];
    for (pair, byte) in lower.chunks_exact_mut(2).zip(hash) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 15)];
    }
    claimed == lower || claimed.eq_ignore_ascii_case(&lower)
}

/// SHA-256 of one physical line without its terminator (`\n` or `\r\n`).
pub fn line_hash(line: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Sha256::digest(line).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_matches_in_either_case_and_only_in_full() {
        let hash = line_hash(b"hello\r\n");
        let hex = crate::digest::hex(&hash);
        assert_eq!(hash, line_hash(b"hello"), "the terminator is not hashed");
        assert!(hex_matches(&hex, &hash));
        assert!(hex_matches(&hex.to_uppercase(), &hash));
        assert!(!hex_matches(&hex[..63], &hash));
        assert!(!hex_matches(&format!("{hex}0"), &hash));
        let mut other = hex.into_bytes();
        other[63] = if other[63] == b'0' { b'1' } else { b'0' };
        assert!(!hex_matches(std::str::from_utf8(&other).unwrap(), &hash));
    }
}
