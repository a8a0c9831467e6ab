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
use keys::SigningKeys;

pub const MANIFEST: &str = "SHA256SUMS";
pub const SIGNATURE: &str = "SHA256SUMS.sig";
pub const REPORT_PDF: &str = "report.pdf";

/// `sha256sum -c` format, sorted by path (byte order): one line per (path, SHA-256).
pub fn manifest<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let mut lines: Vec<(&str, &str)> = files.into_iter().collect();
    lines.sort();
    lines
        .into_iter()
        .map(|(path, sha)| format!("{sha}  {path}\n"))
        .collect::<String>()
        .into_bytes()
}

/// A file written into a [`Staging`] pack: its path inside the pack, SHA-256 and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// A pack being written (SPEC §18): files go straight to disk, hashed as they are
/// written, into a staging directory beside `out` (`.<name>.partial-<pid>`), so a
/// pack of a million findings never sits in memory whole. [`Staging::seal`] adds the
/// manifest and its signature; [`Staging::finish`] puts the pack in place. Dropped
/// unfinished (an error, a full disk), the staging directory is removed; on
/// SIGINT/SIGTERM the signal handler removes it. The caller holds the [`OutLock`].
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    files: Vec<Written>,
    finished: bool,
}

impl Staging {
    /// Refuses an `out` that is something other than a pack (or an empty directory),
    /// removes staging directories killed runs left, and creates this run's.
    pub fn begin(out: &Path) -> Result<Staging, Error> {
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
        let dir = beside(out, &format!("partial-{}", std::process::id()));
        crate::cleanup::remember(&dir);
        let staging = Staging {
            dir,
            out: out.to_path_buf(),
            files: Vec::new(),
            finished: false,
        };
        std::fs::create_dir_all(&staging.dir)
            .map_err(io_error(&staging.dir, "create the pack directory"))?;
        Ok(staging)
    }

    /// Writes one file of the pack from its bytes.
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> Result<Written, Error> {
        self.add_with(path, |out| out.write_all(bytes))
    }

    /// Writes one file of the pack through `write`, hashing what it writes; a failed
    /// write (a full disk) names the file.
    pub fn add_with(
        &mut self,
        path: &str,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<Written, Error> {
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent, "create a pack directory"))?;
        }
        let file =
            std::fs::File::create(&target).map_err(io_error(&target, "write a pack file"))?;
        let mut out = HashingWriter {
            inner: std::io::BufWriter::with_capacity(1 << 20, file),
            hasher: Sha256::new(),
            bytes: 0,
        };
        write(&mut out).map_err(io_error(&target, "write a pack file"))?;
        let file = out
            .inner
            .into_inner()
            .map_err(|e| io_error(&target, "write a pack file")(e.into_error()))?;
        file.sync_all()
            .map_err(io_error(&target, "write a pack file"))?;
        let written = Written {
            path: path.to_string(),
            sha256: hex(&out.hasher.finalize()),
            bytes: out.bytes,
        };
        self.files.push(written.clone());
        Ok(written)
    }

    /// Adds `SHA256SUMS` over every file written so far and, with a key,
    /// `SHA256SUMS.sig`. `report.pdf` must already be signed.
    pub fn seal(&mut self, keys: Option<&SigningKeys>) -> Result<(), Error> {
        let manifest_bytes = manifest(
            self.files
                .iter()
                .map(|f| (f.path.as_str(), f.sha256.as_str())),
        );
        if let Some(keys) = keys {
            let signature = sshsig::sign(&keys.ssh, &manifest_bytes)?;
            self.add(SIGNATURE, &signature)?;
        }
        self.add(MANIFEST, &manifest_bytes)?;
        Ok(())
    }

    /// Moves the finished pack into place; returns its files' paths, sorted.
    pub fn finish(mut self) -> Result<Vec<String>, Error> {
        put_in_place(&self.dir, &self.out)?;
        self.finished = true;
        let mut names: Vec<String> = self.files.iter().map(|f| f.path.clone()).collect();
        names.sort();
        Ok(names)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        crate::cleanup::forget(&self.dir);
    }
}

/// Passes writes through to `inner`, hashing and counting them.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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

/// Moves the finished pack at `staging` to `out` (SPEC §18): a plain rename when there is nothing
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
        let files = [
            (
                "evidence/b.csv",
                "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d",
            ),
            (
                "a.csv",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
        ];
        let text = String::from_utf8(manifest(files)).expect("utf-8");
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
        let error = Staging::begin(dir.path()).expect_err("must refuse");
        assert!(
            error.to_string().contains("is not an auditpack pack"),
            "{error}"
        );
        assert!(dir.path().join("thesis.tex").exists());
    }

    fn pack_of(out: &Path, path: &str, bytes: &[u8]) -> Result<Vec<String>, Error> {
        let mut staging = Staging::begin(out)?;
        let written = staging.add(path, bytes)?;
        assert_eq!(written.bytes, bytes.len() as u64);
        assert_eq!(written.sha256, hex(&Sha256::digest(bytes)));
        staging.seal(None)?;
        staging.finish()
    }

    #[test]
    fn replaces_an_earlier_pack() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("pack");
        pack_of(&out, "old.csv", b"1").expect("first");
        let names = pack_of(&out, "new.csv", b"2").expect("second");
        assert_eq!(names, ["SHA256SUMS", "new.csv"]);
        assert!(!out.join("old.csv").exists());
        assert_eq!(std::fs::read(out.join("new.csv")).expect("read"), b"2");
        assert_eq!(
            std::fs::read_to_string(out.join(MANIFEST)).expect("manifest"),
            format!("{}  new.csv\n", hex(&Sha256::digest(b"2")))
        );
        let leftovers: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|name| name != "pack")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn an_unfinished_pack_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("pack");
        pack_of(&out, "old.csv", b"1").expect("first");
        {
            let mut staging = Staging::begin(&out).expect("begin");
            staging.add("half.csv", b"half").expect("add");
            let failed = staging.add_with("broken.csv", |_| {
                Err(std::io::Error::other("the renderer failed"))
            });
            assert!(failed.is_err());
        }
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, ["pack"]);
        assert_eq!(std::fs::read(out.join("old.csv")).expect("old"), b"1");
    }
}
