//! How the library reports progress and warnings without printing: the CLI implements
//! [`Observer`] (progress bars on a terminal, warnings on stderr); tests use [`Silent`].

pub trait Observer: Sync {
    /// Ingest is about to read this many bytes in all.
    fn start_reading(&self, _total_bytes: u64) {}
    /// Bytes read since the last call.
    fn advance(&self, _bytes: u64) {}
    fn finish_reading(&self) {}
    /// One input file has been read whole: its kind, bytes and rows used.
    fn file_read(&self, _kind: &str, _bytes: u64, _rows: u64) {}
    /// A stage of the run begins (`checks`, `rendering`, …).
    fn stage(&self, _name: &str) {}
}

/// Reports nothing.
pub struct Silent;

impl Observer for Silent {}
