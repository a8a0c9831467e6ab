//! Resolves an `[[input]]` path (file, directory walked recursively, or glob) to the
//! files it names, in a stable order. Symlinks that lead outside a declared directory
//! are not followed (SPEC §12).

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::Input;
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedFile {
    /// The file's path on disk.
    pub path: PathBuf,
    /// The path shown in the pack: relative to the config directory, `/`-separated.
    pub display: String,
    /// Canonical path, to notice a file matched twice.
    pub canonical: PathBuf,
}

/// The files an input names. A glob that matches nothing is an error (most likely a
/// typo); an empty directory is not, and reads no file.
pub fn resolve(
    input: &Input,
    config_dir: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<ResolvedFile>, Error> {
    let is_glob = input.path_text.contains(['*', '?', '[']);
    let mut files = Vec::new();
    if is_glob {
        let pattern = input.path.to_string_lossy().to_string();
        let entries = glob::glob(&pattern)
            .map_err(|e| Error::input(&input.path, None, format!("bad glob pattern: {e}")))?;
        for entry in entries {
            let path = entry
                .map_err(|e| Error::input(e.path(), None, format!("cannot read: {}", e.error())))?;
            if path.is_file() {
                files.push(path);
            }
        }
        if files.is_empty() {
            return Err(Error::input(&input.path, None, "the glob matches no file"));
        }
    } else if input.path.is_dir() {
        files = walk_directory(input, warnings)?;
    } else if input.path.is_file() {
        files.push(input.path.clone());
    } else {
        return Err(Error::input(&input.path, None, "no such file or directory"));
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let canonical = path.canonicalize().map_err(|source| Error::Io {
                path: path.clone(),
                action: "resolve the input file",
                source,
            })?;
            Ok(ResolvedFile {
                display: display_path(&path, config_dir),
                path,
                canonical,
            })
        })
        .collect()
}

/// One file named by a key other than `path` (a probes input's `latency_path`).
pub fn resolve_file(path: &Path, config_dir: &Path) -> Result<ResolvedFile, Error> {
    if !path.is_file() {
        return Err(Error::input(path, None, "no such file"));
    }
    let canonical = path.canonicalize().map_err(|source| Error::Io {
        path: path.to_path_buf(),
        action: "resolve the input file",
        source,
    })?;
    Ok(ResolvedFile {
        display: display_path(path, config_dir),
        path: path.to_path_buf(),
        canonical,
    })
}

fn walk_directory(input: &Input, warnings: &mut Vec<String>) -> Result<Vec<PathBuf>, Error> {
    let root = input.path.canonicalize().map_err(|source| Error::Io {
        path: input.path.clone(),
        action: "open the input directory",
        source,
    })?;
    let endings = input.format.file_endings();
    let mut files = Vec::new();
    let walker = WalkDir::new(&input.path)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        });
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e
                .path()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| input.path.clone());
            // The walker's own message repeats the path; say the depth and the cause.
            let cause = e
                .io_error()
                .map_or_else(|| e.to_string(), ToString::to_string);
            Error::input(
                path,
                None,
                format!(
                    "cannot read the input directory ({} levels below {}): {cause}",
                    e.depth(),
                    input.path.display()
                ),
            )
        })?;
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        if !endings.iter().any(|ending| name.ends_with(ending)) {
            continue;
        }
        let path = entry.path().to_path_buf();
        if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&root) && target.is_file() => files.push(path),
                Ok(target) if !target.starts_with(&root) => warnings.push(format!(
                    "{}: not followed: the link leads outside the input directory {}",
                    path.display(),
                    input.path.display()
                )),
                _ => {}
            }
        } else if entry.file_type().is_file() {
            files.push(path);
        }
    }
    Ok(files)
}

/// `path` relative to the config directory when it lies below it, with `/` separators.
pub fn display_path(path: &Path, config_dir: &Path) -> String {
    let Ok(relative) = path.strip_prefix(config_dir) else {
        return path.to_string_lossy().to_string();
    };
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    parts.join("/")
}
