//! One audit-log line (SPEC §4) and the `prev_hash` chain, shared by `demo` and
//! `bench`.
//!
//! A line is a JSON object whose keys come in the order of SPEC §4's table (as the
//! golden case writes them), absent fields left out and `prev_hash` last; serde_json
//! writes it, sha2 hashes it. The chain is computed over the bytes as serialised
//! here, before any tampering a caller plants afterwards. This module knows
//! nothing of the scenarios that fill it.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// One audit event, borrowed for writing. `None` fields are left out.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Line<'a> {
    /// RFC 3339 UTC.
    pub time: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    /// `success` or `failure`.
    pub outcome: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<&'a str>,
    /// `Some("")` is an empty ticket, `None` no `ticket` field at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<&'a str>,
    /// A field unknown to auditpack (of `role_changed`), kept for the reader.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<&'a str>,
    /// Set by [`Chain::push`].
    pub prev_hash: &'a str,
}

/// What the line after `line` claims as its `prev_hash`: the lowercase hex SHA-256
/// of `line`'s bytes without its terminator (SPEC §4).
pub fn link(line: &[u8]) -> String {
    hex::encode(Sha256::digest(line))
}

/// The running `prev_hash` of one log file.
pub struct Chain {
    prev: [u8; 64],
    first: bool,
}

impl Default for Chain {
    fn default() -> Self {
        Chain {
            prev: [0; 64],
            first: true,
        }
    }
}

impl Chain {
    /// The `prev_hash` the next line carries (empty on the first line).
    pub fn prev_hash(&self) -> &str {
        if self.first {
            ""
        } else {
            std::str::from_utf8(&self.prev).expect("hex digits are ASCII")
        }
    }

    /// Replace `out` with `line` (its `prev_hash` set by the chain, no terminator)
    /// and link the chain to those bytes.
    pub fn push(&mut self, out: &mut Vec<u8>, line: &Line<'_>) {
        out.clear();
        let linked = Line {
            prev_hash: self.prev_hash(),
            ..*line
        };
        serde_json::to_writer(&mut *out, &linked).expect("a Line always serialises");
        hex::encode_to_slice(Sha256::digest(&out[..]), &mut self.prev)
            .expect("a SHA-256 digest is 64 hex digits");
        self.first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(time: &'a str, ticket: Option<&'a str>) -> Line<'a> {
        Line {
            time,
            actor: "alice",
            action: "deactivate",
            outcome: "success",
            role: Some("admin"),
            tenant: None,
            mfa: None,
            target: Some("mallory"),
            ticket,
            ip: None,
            new_role: None,
            event_id: None,
            prev_hash: "",
        }
    }

    #[test]
    fn golden_case_link() {
        // tests/data/access/month/evidence/audit/app.ndjson: line 2's prev_hash.
        let line = br#"{"time":"2026-09-20T10:00:00Z","actor":"alice","action":"deactivate","outcome":"success","target":"mallory","role":"admin","prev_hash":""}"#;
        assert_eq!(
            link(line),
            "40b23c783972bc7dcc393d17bd54bba493c30fea493e6d35b044d45479828ace"
        );
    }

    #[test]
    fn keys_in_table_order_absent_ones_left_out() {
        let mut out = Vec::new();
        Chain::default().push(&mut out, &line("2026-09-20T10:00:00Z", None));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"time":"2026-09-20T10:00:00Z","actor":"alice","action":"deactivate","outcome":"success","role":"admin","target":"mallory","prev_hash":""}"#
        );
    }

    #[test]
    fn each_line_claims_the_hash_of_the_one_before() {
        let mut chain = Chain::default();
        let (mut first, mut second) = (Vec::new(), Vec::new());
        chain.push(&mut first, &line("2026-10-01T00:00:00Z", Some("")));
        assert!(first.ends_with(br#""ticket":"","prev_hash":""}"#));
        chain.push(&mut second, &line("2026-10-01T00:00:01Z", None));
        let claimed = format!(r#""prev_hash":"{}"}}"#, link(&first));
        assert!(second.ends_with(claimed.as_bytes()));
        assert_eq!(chain.prev_hash(), link(&second));
    }
}
