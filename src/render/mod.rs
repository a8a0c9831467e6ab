//! Renderers: each is a function of `&Assessment` to bytes. They format; they never
//! compute a figure, so every output agrees with every other.

pub mod csv;
pub mod feeds;
pub mod json;
pub mod junit;
pub mod oscal;
pub mod pdf;
pub mod site;
pub mod template;

/// A file of the pack and its SHA-256, for the PDF's evidence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackEntry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}
