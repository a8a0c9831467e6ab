//! The pack on disk (SPEC §9, §11): seals the rendered files (signs `report.pdf`, adds
//! the `SHA256SUMS` manifest and its signature `SHA256SUMS.sig`), writes them and swaps
//! the finished pack into place so a failed run never leaves half a pack; `verify`
//! checks a pack and `keygen` makes the keys. **The only code that touches keys**, and
//! it never writes a private key into a pack.
//!
//! - [`keys`]: loading `[signing]`'s files; [`keygen`]: making them.
//! - [`sshsig`]: `SHA256SUMS.sig`; [`pdf_signature`] and [`cades`]: the PDF signature.
//! - [`verify`]: the stranger's check of a pack.

pub mod cades;
pub mod keygen;
pub mod keys;
pub mod pdf_signature;
pub mod sshsig;
pub mod verify;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::digest::hex;
use crate::error::Error;
use crate::time::Millis;
use keys::SigningKeys;

/// One file of the pack: its path inside the pack (`/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl PackFile {
    pub fn sha256(&self) -> String {
        hex(&Sha256::digest(&self.bytes))
    }
}

pub const MANIFEST: &str = "SHA256SUMS";
pub const SIGNATURE: &str = "SHA256SUMS.sig";
pub const REPORT_PDF: &str = "report.pdf";

/// `sha256sum -c` format, sorted by path (byte order), every file but the manifest.
pub fn manifest(files: &[PackFile]) -> Vec<u8> {
    let mut lines: Vec<(&str, String)> = files
        .iter()
        .map(|f| (f.path.as_str(), f.sha256()))
        .collect();
    lines.sort();
    lines
        .into_iter()
        .map(|(path, sha)| format!("{sha}  {path}\n"))
        .collect::<String>()
        .into_bytes()
}

/// Completes the rendered files into a pack: with keys, signs `report.pdf` (before
/// the manifest, so the manifest covers the signed PDF), then adds `SHA256SUMS` and,
/// with keys, `SHA256SUMS.sig`. `signed_at` is the pack's `generated_at`.
pub fn seal(
    mut files: Vec<PackFile>,
    keys: Option<&SigningKeys>,
    signed_at: Millis,
) -> Result<Vec<PackFile>, Error> {
    if let Some(keys) = keys {
        for file in files.iter_mut().filter(|f| f.path == REPORT_PDF) {
            file.bytes = pdf_signature::sign(&file.bytes, &keys.pdf, signed_at)?;
        }
    }
    let manifest_bytes = manifest(&files);
    if let Some(keys) = keys {
        files.push(PackFile {
            path: SIGNATURE.to_string(),
            bytes: sshsig::sign(&keys.ssh, &manifest_bytes)?,
        });
    }
    files.push(PackFile {
        path: MANIFEST.to_string(),
        bytes: manifest_bytes,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Writes a sealed pack to `out`, replacing an earlier pack there. Refuses to replace
/// a directory that is not a pack.
pub fn write(out: &Path, files: &[PackFile]) -> Result<(), Error> {
    let io = |path: &Path, action: &'static str| {
        let path = path.to_path_buf();
        move |source| Error::Io {
            path,
            action,
            source,
        }
    };
    if out.exists() {
        let is_empty_dir = out.is_dir()
            && std::fs::read_dir(out)
                .map_err(io(out, "read the output directory"))?
                .next()
                .is_none();
        if !(out.join(MANIFEST).is_file() || is_empty_dir) {
            return Err(Error::Usage(format!(
                "{}: exists and is not an auditpack pack (no {MANIFEST}); refusing to replace it",
                out.display()
            )));
        }
    }
    let staging = staging_dir(out);
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .map_err(io(&staging, "remove a stale staging directory"))?;
    }
    std::fs::create_dir_all(&staging).map_err(io(&staging, "create the pack directory"))?;
    for file in files {
        let path = staging.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent, "create a pack directory"))?;
        }
        std::fs::write(&path, &file.bytes).map_err(io(&path, "write a pack file"))?;
    }
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(io(out, "replace the earlier pack"))?;
    }
    std::fs::rename(&staging, out).map_err(io(out, "move the finished pack into place"))?;
    Ok(())
}

fn staging_dir(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "pack".to_string());
    out.with_file_name(format!(".{name}.partial"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_is_sorted_and_in_sha256sum_format() {
        let files = vec![
            PackFile {
                path: "evidence/b.csv".to_string(),
                bytes: b"b".to_vec(),
            },
            PackFile {
                path: "a.csv".to_string(),
                bytes: b"".to_vec(),
            },
        ];
        let text = String::from_utf8(manifest(&files)).expect("utf-8");
        assert_eq!(
            text,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.csv\n\
             3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  evidence/b.csv\n"
        );
    }

    #[test]
    fn refuses_to_replace_a_directory_that_is_not_a_pack() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("thesis.tex"), "precious").expect("write");
        let error = write(dir.path(), &[]).expect_err("must refuse");
        assert!(
            error.to_string().contains("is not an auditpack pack"),
            "{error}"
        );
        assert!(dir.path().join("thesis.tex").exists());
    }

    #[test]
    fn replaces_an_earlier_pack() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("pack");
        let one = PackFile {
            path: "old.csv".to_string(),
            bytes: b"1".to_vec(),
        };
        write(&out, &seal(vec![one], None, 0).expect("seal")).expect("first");
        let two = PackFile {
            path: "new.csv".to_string(),
            bytes: b"2".to_vec(),
        };
        write(&out, &seal(vec![two], None, 0).expect("seal")).expect("second");
        assert!(!out.join("old.csv").exists());
        assert!(out.join("new.csv").exists());
        assert!(out.join(MANIFEST).exists());
    }
}
