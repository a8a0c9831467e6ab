//! `SHA256SUMS.sig` (SPEC §11): an OpenSSH SSHSIG over the manifest's exact bytes,
//! Ed25519, namespace `auditpack`, hash sha512, PEM armoured — what
//! `ssh-keygen -Y sign` writes and `ssh-keygen -Y verify` checks. Ed25519 signatures
//! are deterministic, so the same manifest and key give the same file.
//!
//! Also reads `allowed_signers` (the subset of `ssh-keygen`'s format auditpack needs:
//! principals, an optional `namespaces="…"` option, a key) to pin the signer.

use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use crate::error::Error;

pub const NAMESPACE: &str = "auditpack";

/// Signs `manifest` and returns the PEM text of the signature.
pub fn sign(key: &PrivateKey, manifest: &[u8]) -> Result<Vec<u8>, Error> {
    let error = |e: ssh_key::Error| Error::Sign {
        what: "SHA256SUMS",
        message: e.to_string(),
    };
    let signature = key
        .sign(NAMESPACE, HashAlg::Sha512, manifest)
        .map_err(error)?;
    let mut pem = signature.to_pem(LineEnding::LF).map_err(error)?;
    if !pem.ends_with('\n') {
        pem.push('\n');
    }
    Ok(pem.into_bytes())
}

/// A manifest signature that verified: the key that made it.
#[derive(Debug)]
pub struct VerifiedSignature {
    pub key: PublicKey,
}

/// Checks `signature` (PEM) over `manifest` with the key it embeds, in namespace
/// `auditpack`. Whether that key is trusted is [`AllowedSigners::principals_for`]'s
/// question.
pub fn verify(manifest: &[u8], signature: &[u8]) -> Result<VerifiedSignature, String> {
    let signature = SshSig::from_pem(signature).map_err(|e| format!("not an SSHSIG: {e}"))?;
    if signature.namespace() != NAMESPACE {
        return Err(format!(
            "signed for namespace `{}`, expected `{NAMESPACE}`",
            signature.namespace()
        ));
    }
    let key = PublicKey::new(signature.public_key().clone(), "");
    key.verify(NAMESPACE, manifest, &signature)
        .map_err(|_| "the signature does not match SHA256SUMS".to_string())?;
    Ok(VerifiedSignature { key })
}

/// One usable line of an `allowed_signers` file.
#[derive(Debug, Clone)]
struct AllowedSigner {
    principals: String,
    namespaces: Option<Vec<String>>,
    key: PublicKey,
}

/// The entries of an `allowed_signers` file.
#[derive(Debug, Default)]
pub struct AllowedSigners {
    entries: Vec<AllowedSigner>,
}

impl AllowedSigners {
    /// Parses the file's text; a line auditpack cannot use is an error naming its number
    /// (`cert-authority` lines are not supported).
    pub fn parse(text: &str) -> Result<AllowedSigners, String> {
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fail = |what: &str| format!("line {}: {what}", index + 1);
            let (principals, rest) = split_token(line);
            let rest = rest.trim_start();
            let (options, key_text) = if looks_like_key_type(rest) {
                (None, rest)
            } else {
                let (options, rest) = split_token(rest);
                (Some(options), rest.trim_start())
            };
            let mut namespaces = None;
            if let Some(options) = options {
                for option in split_options(options) {
                    let (name, value) = match option.split_once('=') {
                        Some((name, value)) => (name, Some(value.trim_matches('"'))),
                        None => (option, None),
                    };
                    match (name.to_ascii_lowercase().as_str(), value) {
                        ("namespaces", Some(value)) => {
                            namespaces = Some(value.split(',').map(str::to_string).collect());
                        }
                        ("cert-authority", _) => {
                            return Err(fail("cert-authority entries are not supported"))
                        }
                        // valid-after / valid-before restrict when a signature may have
                        // been made; the pack's manifest carries no signing time, so
                        // they cannot be checked and are ignored like unknown options.
                        _ => {}
                    }
                }
            }
            let key = PublicKey::from_openssh(key_text)
                .map_err(|e| fail(&format!("not a public key: {e}")))?;
            entries.push(AllowedSigner {
                principals: principals.to_string(),
                namespaces,
                key,
            });
        }
        Ok(AllowedSigners { entries })
    }

    /// The principals listed for `key` in namespace `auditpack`, if any.
    pub fn principals_for(&self, key: &PublicKey) -> Option<String> {
        let found: Vec<&str> = self
            .entries
            .iter()
            .filter(|entry| entry.key.key_data() == key.key_data())
            .filter(|entry| {
                entry.namespaces.as_ref().is_none_or(|namespaces| {
                    namespaces.iter().any(|n| pattern_matches(n, NAMESPACE))
                })
            })
            .map(|entry| entry.principals.as_str())
            .collect();
        if found.is_empty() {
            None
        } else {
            Some(found.join(","))
        }
    }
}

fn looks_like_key_type(text: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-", "rsa-"]
        .iter()
        .any(|prefix| text.starts_with(prefix))
}

/// The first whitespace-separated token, where double quotes protect spaces.
fn split_token(text: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (&text[..i], &text[i..]),
            _ => {}
        }
    }
    (text, "")
}

/// Comma-separated options, where double quotes protect commas.
fn split_options(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// OpenSSH patterns: `*` any run, `?` one character.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    fn key() -> PrivateKey {
        PrivateKey::random(&mut OsRng, ssh_key::Algorithm::Ed25519).expect("key")
    }

    #[test]
    fn signs_deterministically_and_verifies() {
        let key = key();
        let one = sign(&key, b"abc  x\n").expect("sign");
        let two = sign(&key, b"abc  x\n").expect("sign");
        assert_eq!(one, two);
        assert!(one.starts_with(b"-----BEGIN SSH SIGNATURE-----\n"));
        let verified = verify(b"abc  x\n", &one).expect("verify");
        assert_eq!(verified.key.key_data(), key.public_key().key_data());
        assert!(verify(b"abd  x\n", &one).is_err());
    }

    #[test]
    fn allowed_signers_pins_by_key_and_namespace() {
        let ours = key();
        let theirs = key();
        let public = |k: &PrivateKey| k.public_key().to_openssh().expect("openssh");
        let text = format!(
            "# comment\n\nops@example namespaces=\"auditpack,git\" {}\nother namespaces=\"git\" {}\n",
            public(&ours),
            public(&theirs)
        );
        let allowed = AllowedSigners::parse(&text).expect("parse");
        assert_eq!(
            allowed.principals_for(ours.public_key()).as_deref(),
            Some("ops@example")
        );
        assert_eq!(allowed.principals_for(theirs.public_key()), None);
        let plain = AllowedSigners::parse(&format!("a,b {}", public(&theirs))).expect("parse");
        assert_eq!(
            plain.principals_for(theirs.public_key()).as_deref(),
            Some("a,b")
        );
        assert!(AllowedSigners::parse("x namespaces=\"a\" ssh-ed25519 garbage").is_err());
    }

    #[test]
    fn patterns() {
        assert!(pattern_matches("audit*", "auditpack"));
        assert!(pattern_matches("*", "auditpack"));
        assert!(pattern_matches("auditpac?", "auditpack"));
        assert!(!pattern_matches("git", "auditpack"));
    }
}
