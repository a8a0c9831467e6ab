//! `auditpack verify PACK` (SPEC §11): checks a pack as a stranger would, from its
//! files alone — the manifest signature (pinned by `--allowed-signers`, or else the key
//! the signature names), every hash, no missing, extra or symlinked file, no path
//! outside the pack, and the PDF's own signature (optionally against `--ca`).
//!
//! It returns one line per file and per signature; it never stops at the first
//! problem, so a reviewer sees everything that is wrong. Only a pack directory that
//! cannot be read at all (or an unreadable `--allowed-signers` / `--ca`) is an error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::keys::{certificate_fingerprint, load_certificate, ssh_fingerprint};
use super::sshsig::{self, AllowedSigners};
use super::{cades, pdf_signature, MANIFEST, SIGNATURE};
use crate::digest::hex;
use crate::error::Error;

/// What to trust.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    pub allowed_signers: Option<PathBuf>,
    pub ca: Option<PathBuf>,
}

/// One line of the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// A path in the pack, or e.g. `report.pdf (signature)`.
    pub subject: String,
    /// `Ok(note)` (the note may be empty) or `Err(reason)`.
    pub outcome: Result<String, String>,
}

#[derive(Debug, Default)]
pub struct VerifyReport {
    pub lines: Vec<Line>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.lines.iter().all(|line| line.outcome.is_ok())
    }

    pub fn problems(&self) -> usize {
        self.lines.iter().filter(|l| l.outcome.is_err()).count()
    }

    fn pass(&mut self, subject: impl Into<String>, note: impl Into<String>) {
        self.lines.push(Line {
            subject: subject.into(),
            outcome: Ok(note.into()),
        });
    }

    fn fail(&mut self, subject: impl Into<String>, reason: impl Into<String>) {
        self.lines.push(Line {
            subject: subject.into(),
            outcome: Err(reason.into()),
        });
    }
}

/// What is on disk in the pack: regular files by `/`-separated path, and the entries
/// that are not regular files.
struct Listing {
    files: BTreeSet<String>,
    odd: Vec<(String, &'static str)>,
}

fn list(pack: &Path) -> Result<Listing, Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io {
            path,
            action: "read the pack",
            source,
        }
    };
    let meta = std::fs::symlink_metadata(pack).map_err(io(pack))?;
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a directory (verify takes the pack directory)",
            pack.display()
        )));
    }
    let mut listing = Listing {
        files: BTreeSet::new(),
        odd: Vec::new(),
    };
    for entry in walkdir::WalkDir::new(pack)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(pack).to_path_buf();
            Error::Io {
                path,
                action: "read the pack",
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("walk failed")),
            }
        })?;
        let relative = entry
            .path()
            .strip_prefix(pack)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect::<Vec<_>>()
            .join("/");
        let kind = entry.file_type();
        if kind.is_symlink() {
            listing
                .odd
                .push((relative, "a symlink (packs hold regular files only)"));
        } else if kind.is_file() {
            listing.files.insert(relative);
        } else if !kind.is_dir() {
            listing.odd.push((relative, "not a regular file"));
        }
    }
    Ok(listing)
}

/// `Ok(path)` when a manifest path is a plain relative path inside the pack.
fn check_manifest_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.starts_with('/') || path.contains('\\') || Path::new(path).is_absolute() {
        return Err("absolute path: points outside the pack");
    }
    for component in Path::new(path).components() {
        match component {
            Component::Normal(_) => {}
            Component::ParentDir => return Err("`..` in the path: points outside the pack"),
            _ => return Err("not a plain relative path"),
        }
    }
    if path.split('/').any(str::is_empty) {
        return Err("not a plain relative path");
    }
    Ok(())
}

/// Parses `sha256sum` lines: `<64 hex>  <path>` (or ` *<path>`).
fn parse_manifest(text: &str, report: &mut VerifyReport) -> BTreeMap<String, String> {
    let mut entries = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let subject = format!("{MANIFEST} line {}", index + 1);
        let parsed = line.split_at_checked(64).and_then(|(hash, rest)| {
            let path = rest
                .strip_prefix("  ")
                .or_else(|| rest.strip_prefix(" *"))?;
            hash.bytes()
                .all(|b| b.is_ascii_hexdigit())
                .then(|| (hash.to_ascii_lowercase(), path.to_string()))
        });
        let Some((hash, path)) = parsed else {
            report.fail(subject, "not `<sha256>  <path>`");
            continue;
        };
        if let Err(reason) = check_manifest_path(&path) {
            report.fail(path, reason);
            continue;
        }
        if path == MANIFEST || path == SIGNATURE {
            report.fail(path, "the manifest cannot list itself or its signature");
            continue;
        }
        if entries.insert(path.clone(), hash).is_some() {
            report.fail(path, "listed twice in SHA256SUMS");
        }
    }
    entries
}

/// Verifies the pack in `pack`.
pub fn verify(pack: &Path, options: &VerifyOptions) -> Result<VerifyReport, Error> {
    let allowed = match &options.allowed_signers {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.clone(),
                action: "read the allowed signers file",
                source,
            })?;
            Some(AllowedSigners::parse(&text).map_err(|message| Error::Key {
                path: path.clone(),
                message,
            })?)
        }
        None => None,
    };
    let ca = match &options.ca {
        Some(path) => Some(load_certificate(path)?.0),
        None => None,
    };
    let listing = list(pack)?;
    let mut report = VerifyReport::default();
    let read = |name: &str| std::fs::read(pack.join(name));

    // The manifest and its signature.
    let manifest = if listing.files.contains(MANIFEST) {
        match read(MANIFEST) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                report.fail(MANIFEST, format!("cannot read: {e}"));
                None
            }
        }
    } else {
        report.fail(MANIFEST, "missing: nothing to check the files against");
        None
    };
    if !listing.files.contains(SIGNATURE) {
        report.fail(SIGNATURE, "missing: the pack is not signed");
    } else if let Some(manifest) = &manifest {
        match read(SIGNATURE)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|signature| sshsig::verify(manifest, &signature))
        {
            Err(reason) => report.fail(SIGNATURE, reason),
            Ok(verified) => {
                let signer = ssh_fingerprint(&verified.key);
                match &allowed {
                    None => report.pass(
                        SIGNATURE,
                        format!("signed by {signer} (signer not pinned: pass --allowed-signers to check who signed)"),
                    ),
                    Some(allowed) => match allowed.principals_for(&verified.key) {
                        Some(principals) => {
                            report.pass(SIGNATURE, format!("signed by {principals} ({signer})"))
                        }
                        None => report.fail(
                            SIGNATURE,
                            format!(
                                "signed by {signer}, which the allowed signers file does not list for namespace `{}`",
                                sshsig::NAMESPACE
                            ),
                        ),
                    },
                }
            }
        }
    } else {
        report.fail(SIGNATURE, "cannot be checked without SHA256SUMS");
    }

    // Every listed file, and nothing else.
    let listed = match manifest.as_deref().map(std::str::from_utf8) {
        Some(Ok(text)) => parse_manifest(text, &mut report),
        Some(Err(_)) => {
            report.fail(MANIFEST, "not UTF-8 text");
            BTreeMap::new()
        }
        None => BTreeMap::new(),
    };
    for (path, reason) in &listing.odd {
        report.fail(path.clone(), *reason);
    }
    let odd: BTreeSet<&String> = listing.odd.iter().map(|(path, _)| path).collect();
    for (path, expected) in &listed {
        if odd.contains(path) {
            continue;
        }
        if !listing.files.contains(path) {
            report.fail(path.clone(), "missing");
            continue;
        }
        match read(path) {
            Err(e) => report.fail(path.clone(), format!("cannot read: {e}")),
            Ok(bytes) if hex(&Sha256::digest(&bytes)) == *expected => report.pass(path.clone(), ""),
            Ok(_) => report.fail(path.clone(), "SHA-256 differs from SHA256SUMS"),
        }
    }
    for path in &listing.files {
        if path != MANIFEST && path != SIGNATURE && !listed.contains_key(path) {
            report.fail(path.clone(), "not listed in SHA256SUMS (extra file)");
        }
    }

    // The PDF's own signature.
    if listing.files.contains(super::REPORT_PDF) {
        let subject = format!("{} (signature)", super::REPORT_PDF);
        match read(super::REPORT_PDF)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|pdf| pdf_signature::verify(&pdf))
        {
            Err(reason) => report.fail(subject, reason),
            Ok(verified) => {
                let signer = certificate_fingerprint(
                    &verified.signer.certificate_der,
                    &verified.signer.certificate,
                );
                let when = verified
                    .signed_at
                    .map(|m| format!(", signed {m}"))
                    .unwrap_or_default();
                match &ca {
                    None => report.pass(
                        subject,
                        format!(
                            "ECDSA P-256 by {signer}{when} (certificate not checked: pass --ca)"
                        ),
                    ),
                    Some(ca) => match cades::check_issued_by(&verified.signer.certificate, ca) {
                        Ok(()) => report.pass(
                            subject,
                            format!("ECDSA P-256 by {signer}{when}, certificate trusted by --ca"),
                        ),
                        Err(reason) => report.fail(subject, format!("{signer}: {reason}")),
                    },
                }
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_must_stay_inside_the_pack() {
        assert!(check_manifest_path("evidence/a.csv").is_ok());
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "",
            "./a",
            "a\\b",
        ] {
            assert!(check_manifest_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn manifest_lines_that_do_not_parse_are_problems() {
        let mut report = VerifyReport::default();
        let text = format!(
            "{}  a.csv\n{}  ../escape\nnonsense\n{} *b.csv\n",
            "0".repeat(64),
            "1".repeat(64),
            "2".repeat(64)
        );
        let entries = parse_manifest(&text, &mut report);
        assert_eq!(entries.keys().collect::<Vec<_>>(), vec!["a.csv", "b.csv"]);
        assert_eq!(report.problems(), 2);
    }
}
