//! Temporary files a run must not leave behind (SPEC §18): the staging directory of a
//! pack and the lock beside `--out`. A run registers them here while they exist; on
//! SIGINT, SIGTERM or SIGHUP the handler ([`on_signals`]) removes them, says which
//! signal stopped the run, and exits 2. The earlier pack at `--out` is never touched by
//! it: a pack only replaces it by an atomic exchange of the two directories.
//!
//! A leaf: it knows paths, not packs.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

static PATHS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remove `path` (a file or a directory) should the run be stopped.
pub fn remember(path: &Path) {
    PATHS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(path.to_path_buf());
}

/// `path` is gone or in its place: nothing to remove any more.
pub fn forget(path: &Path) {
    PATHS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|p| p != path);
}

/// Removes every remembered path; a directory a writer is still filling is tried again.
pub fn remove_all() {
    let paths = std::mem::take(&mut *PATHS.lock().unwrap_or_else(PoisonError::into_inner));
    for path in paths.iter().rev() {
        for _ in 0..5 {
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
            if removed.is_ok() || !path.exists() {
                break;
            }
        }
    }
}

/// Stops the run cleanly on SIGINT, SIGTERM and SIGHUP: the temporary files go, one
/// line names the signal, the exit code is 2. (SIGKILL cannot be caught: its staging
/// directory is removed by the next run on the same `--out`.)
pub fn on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let name = match signal {
                SIGINT => "SIGINT",
                SIGTERM => "SIGTERM",
                _ => "SIGHUP",
            };
            remove_all();
            eprintln!(
                "auditpack: error: stopped by {name}: nothing was written; an earlier pack at the output is unchanged"
            );
            std::process::exit(2);
        }
    });
    Ok(())
}
