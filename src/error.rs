//! Fatal errors: the run cannot be done (exit 2). Bad rows are not errors: they are
//! [`crate::model::Rejected`] values carried into the pack; failing checks are statuses.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Every problem found in the configuration, each naming the line and key: one line
    /// for one problem, a list for several.
    #[error("{}: invalid configuration:{}{}", path.display(), if problems.len() == 1 { " " } else { "\n  " }, problems.join("\n  "))]
    Config {
        path: PathBuf,
        problems: Vec<String>,
    },
    /// Problems in more than one configuration file (attestations and waivers), each
    /// reported as its own error.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<Error>),
    /// An input file that cannot be used at all (wrong format, missing columns).
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Input {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// Bad command-line arguments or environment (e.g. `SOURCE_DATE_EPOCH`).
    #[error("{0}")]
    Usage(String),
    /// The built-in or configured control catalogue is inconsistent.
    #[error("{}: {message}", path.display())]
    Catalog { path: PathBuf, message: String },
    /// A signing key or certificate that cannot be used (named by its file).
    #[error("{}: {message}", path.display())]
    Key { path: PathBuf, message: String },
    /// Signing failed (should not happen with valid keys).
    #[error("cannot sign {what}: {message}")]
    Sign { what: &'static str, message: String },
    /// A renderer failed (should not happen with valid data).
    #[error("cannot render {what}: {message}")]
    Render { what: &'static str, message: String },
}

impl Error {
    pub fn input(path: impl Into<PathBuf>, line: Option<u64>, message: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}
