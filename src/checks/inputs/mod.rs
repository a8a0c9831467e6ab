//! The inputs family: `inputs.rejected_rows` (SPEC §12), over the list of files read.

pub(super) mod rejected_rows;
