//! Placeholder: the okta_password adapter (SPEC §16) is being written.

use std::io::Read;

use super::canonical::Sink;
use super::FileStats;
use crate::config::Input;
use crate::error::Error;

pub fn read(_reader: impl Read, _input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    Err(sink.fatal(None, "this native format is not read yet"))
}
