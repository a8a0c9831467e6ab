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

fn io_error(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io {
        path,
        action,
        source,
    }
}

/// The lock a run holds on its `--out` from before it reads the evidence until its pack
/// is in place (SPEC §18: of two runs on one `--out` one wins whole, the other stops at
/// once with exit 2). A file `.<name>.lock` beside `--out`, locked with the operating
/// system's advisory lock, so a killed run releases it; removed when dropped.
#[derive(Debug)]
pub struct OutLock {
    path: PathBuf,
    _file: std::fs::File,
}

impl OutLock {
    pub fn take(out: &Path) -> Result<OutLock, Error> {
        let path = beside(out, "lock");
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(io_error(parent, "create the output's parent directory"))?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path, "create the output's lock file"))?;
        match try_lock(&file) {
            Ok(true) => {}
            Ok(false) => {
                return Err(Error::Usage(format!(
                    "{}: another auditpack run is writing this pack; try again when it is done",
                    out.display()
                )))
            }
            Err(source) => {
                return Err(Error::Io {
                    path,
                    action: "lock the output",
                    source,
                })
            }
        }
        crate::cleanup::remember(&path);
        Ok(OutLock { path, _file: file })
    }
}

/// An exclusive advisory lock without waiting: `false` when another process holds it.
#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a descriptor this function borrows; no memory is involved.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(true);
    }
    let error = std::io::Error::last_os_error();
    if error.kind() == std::io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(error)
    }
}

/// Elsewhere the lock file's existence is the lock.
#[cfg(not(unix))]
fn try_lock(_file: &std::fs::File) -> std::io::Result<bool> {
    Ok(true)
}

impl Drop for OutLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        crate::cleanup::forget(&self.path);
    }
}

/// Writes a sealed pack to `out`, all or nothing (SPEC §18), replacing an earlier pack
/// there. Refuses to replace a directory that is not a pack. The files go to a staging
/// directory beside `out` (`.<name>.partial-<pid>`, removed on any failure and on
/// SIGINT/SIGTERM); the finished pack then takes the earlier one's place by an atomic
/// exchange of the two directories (Linux `renameat2(RENAME_EXCHANGE)`), so at every
/// instant `out` is the old pack or the new one, whole. The caller holds the
/// [`OutLock`]; staging directories of killed runs are removed first.
pub fn write(out: &Path, files: &[PackFile]) -> Result<(), Error> {
    if out.exists() {
        let is_empty_dir = out.is_dir()
            && std::fs::read_dir(out)
                .map_err(io_error(out, "read the output directory"))?
                .next()
                .is_none();
        if !(out.join(MANIFEST).is_file() || is_empty_dir) {
            return Err(Error::Usage(format!(
                "{}: exists and is not an auditpack pack (no {MANIFEST}); refusing to replace it",
                out.display()
            )));
        }
    }
    remove_stale_staging(out);
    let staging = beside(out, &format!("partial-{}", std::process::id()));
    crate::cleanup::remember(&staging);
    let written = fill(&staging, files).and_then(|()| put_in_place(&staging, out));
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    crate::cleanup::forget(&staging);
    written
}

/// `.<name>.<what>` beside `out`.
fn beside(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "pack".to_string());
    out.with_file_name(format!(".{name}.{what}"))
}

/// Staging directories a killed run left beside `out` (the lock says no run is writing).
fn remove_stale_staging(out: &Path) {
    let prefix = beside(out, "partial-");
    let (Some(dir), Some(prefix)) = (prefix.parent(), prefix.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = prefix.to_string_lossy().to_string();
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn fill(staging: &Path, files: &[PackFile]) -> Result<(), Error> {
    std::fs::create_dir_all(staging).map_err(io_error(staging, "create the pack directory"))?;
    for file in files {
        let path = staging.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent, "create a pack directory"))?;
        }
        std::fs::write(&path, &file.bytes).map_err(io_error(&path, "write a pack file"))?;
    }
    Ok(())
}

/// Moves the finished pack at `staging` to `out`: a plain rename when there is nothing
/// there, else an atomic exchange, after which `staging` holds the earlier pack and is
/// removed.
fn put_in_place(staging: &Path, out: &Path) -> Result<(), Error> {
    if !out.exists() {
        return std::fs::rename(staging, out)
            .map_err(io_error(out, "move the finished pack into place"));
    }
    exchange(staging, out).map_err(io_error(out, "swap the finished pack into place"))?;
    std::fs::remove_dir_all(staging).map_err(io_error(staging, "remove the earlier pack"))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are NUL-terminated C strings that outlive the call.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        return Ok(());
    }
    let error = std::io::Error::last_os_error();
    match error.raw_os_error() {
        // A file system or kernel without the exchange: step aside instead.
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => step_aside(
            std::path::Path::new(std::ffi::OsStr::from_bytes(a.as_bytes())),
            std::path::Path::new(std::ffi::OsStr::from_bytes(b.as_bytes())),
        ),
        _ => Err(error),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    step_aside(a, b)
}

/// Without an atomic exchange: the earlier pack steps aside under a name of its own
/// first (a kill between the two renames leaves it there, whole), then the new one
/// moves in and the earlier one takes the staging name, to be removed.
fn step_aside(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = b.with_file_name(format!(
        ".{}.earlier-{}",
        b.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
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
