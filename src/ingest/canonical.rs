//! Canonical CSV and NDJSON readers (SPEC §4, §12). They stream the file once, hash its
//! bytes on the way, keep physical 1-based line numbers, and turn every row that cannot
//! be read into a `Rejected` value while the rest of the file is used. A file that is
//! not the declared format at all is a fatal error naming the file.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;

use chrono_tz::Tz;

use super::chain::{line_hash, Claim};
use super::schema::{columns, ndjson_verdict, ColumnSpec};
use super::values::{parse_value, Raw, Value};
use super::FileStats;
use super::RowSink;
use crate::config::InputKind;
use crate::error::Error;
use crate::model::Rejected;

/// Where rows of one file go, and how to name the file.
pub struct Sink<'a> {
    pub kind: InputKind,
    pub display: &'a str,
    pub disk_path: &'a std::path::Path,
    pub timezone: Option<Tz>,
    pub table: &'a mut dyn RowSink,
    pub rejected: &'a mut Vec<Rejected>,
}

impl Sink<'_> {
    /// For native adapters: types one record given as canonical field names and raw
    /// values, checks it like a canonical row, and uses or rejects it. `line` is the
    /// physical line, or the element's index for whole-document JSON (SPEC §12).
    pub fn push_fields(&mut self, line: u64, fields: &[(&str, Raw<'_>)], stats: &mut FileStats) {
        let specs = columns(self.kind);
        let typed = self.type_row(specs, |i| {
            fields
                .iter()
                .find(|(name, _)| *name == specs[i].name)
                .map(|(_, raw)| *raw)
        });
        match typed {
            Ok(values) => {
                self.table.push(values, self.display, line);
                stats.rows += 1;
            }
            Err(reason) => self.reject(line, reason, stats),
        }
    }

    /// For native adapters: a record that cannot be used at all.
    pub fn reject(&mut self, line: u64, reason: impl Into<String>, stats: &mut FileStats) {
        stats.rejected_rows += 1;
        self.rejected.push(Rejected {
            path: self.display.to_string(),
            line,
            reason: reason.into(),
        });
    }

    /// The file is not the declared format at all: stops the run naming the file. The
    /// message is one line (SPEC §12) even when it quotes the file (a tool's error text,
    /// a label): control characters in it are escaped.
    pub fn fatal(&self, line: Option<u64>, message: impl Into<String>) -> Error {
        Error::input(self.disk_path, line, one_line(message.into()))
    }

    /// Types one row's raw values; the first problem is the rejection reason.
    fn type_row<'r>(
        &self,
        specs: &[ColumnSpec],
        raw_of: impl Fn(usize) -> Option<Raw<'r>>,
    ) -> Result<Vec<Value<'r>>, String> {
        let mut values = Vec::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            let value = match raw_of(index) {
                Some(raw) => parse_value(spec, raw, self.timezone)?,
                None => Value::Null,
            };
            if spec.required && value == Value::Null {
                return Err(super::schema::missing_required(spec.name));
            }
            values.push(value);
        }
        super::values::check_row(self.kind, &values)?;
        Ok(values)
    }
}

/// Reads a canonical CSV file: RFC 4180, header row, BOM and CRLF tolerated.
///
/// Nearly every line of a large CSV is plain: no quote, no carriage return. Those are
/// split here, a block of whole lines at a time, without the csv crate's state
/// machine (a year of probes is 30 million of them); from the first block that holds
/// a `"` or a `\r` to the end of the file, the csv crate reads. Blocks end at line
/// ends and a plain block leaves no record open, so the two agree line for line
/// (blank lines are skipped by both; a unit test below holds them to the same rows,
/// lines and reasons).
pub fn read_csv(mut reader: impl Read, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    const BLOCK_BYTES: usize = 1 << 20;
    let mut records = Records::new(sink.kind);
    let mut stats = FileStats::default();
    let mut block: Vec<u8> = Vec::with_capacity(BLOCK_BYTES);
    let mut ranges: Vec<Range<usize>> = Vec::new();
    // Lines read so far: the next line is `line + 1`.
    let mut line: u64 = 0;
    loop {
        // `block` holds the unfinished line of the last block, if any.
        let carried = block.len();
        let n = (&mut reader)
            .take(BLOCK_BYTES as u64)
            .read_to_end(&mut block)
            .map_err(|e| sink.fatal(Some(line + 1), format!("cannot read CSV: {e}")))?;
        let at_end = n == 0;
        if block.is_empty() {
            return Ok(stats);
        }
        if memchr::memchr2(b'"', b'\r', &block[carried..]).is_some() {
            let rest = std::io::Cursor::new(block).chain(reader);
            return read_csv_records(rest, line, &mut records, sink, stats);
        }
        // Whole lines only, unless the file has ended (the carried line has no line
        // end: only the new bytes are searched).
        let whole = match memchr::memrchr(b'\n', &block[carried..]) {
            _ if at_end => block.len(),
            Some(end) => carried + end + 1,
            None => continue,
        };
        for text in block[..whole].split_inclusive(|&b| b == b'\n') {
            line += 1;
            let text = text.strip_suffix(b"\n").unwrap_or(text);
            if text.is_empty() {
                continue; // A blank line is no record.
            }
            ranges.clear();
            let mut start = 0;
            for comma in memchr::memchr_iter(b',', text) {
                ranges.push(start..comma);
                start = comma + 1;
            }
            ranges.push(start..text.len());
            records.record(text, &ranges, line, sink, &mut stats)?;
        }
        block.drain(..whole);
        if at_end {
            return Ok(stats);
        }
    }
}

/// The rest of a CSV file from line `offset + 1`, read by the csv crate.
fn read_csv_records(
    reader: impl Read,
    offset: u64,
    records: &mut Records,
    sink: &mut Sink<'_>,
    mut stats: FileStats,
) -> Result<FileStats, Error> {
    // The csv crate numbers the record after a CRLF one line early (it notes the start
    // before consuming the `\n`), so CRLF becomes LF before parsing; the hash has
    // already seen the original bytes. It also gives a record after blank lines the
    // line where the blank lines began (it skips them without noting a new start), so
    // a record's line is counted back from where it ends: every record ends with a
    // line end once the last one is given its own.
    let mut csv_reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(EndsWithLineEnd::new(CrlfToLf::new(reader)));
    let mut record = csv::ByteRecord::new();
    let mut ranges: Vec<Range<usize>> = Vec::new();
    loop {
        let more = csv_reader.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map(|p| offset + p.line());
            Error::input(sink.disk_path, line, format!("cannot read CSV: {e}"))
        })?;
        if !more {
            return Ok(stats);
        }
        // The line after the record's end, less the line ends inside it and its own.
        // A record ended by a lone `\r` ends on its own line: the crate's start holds.
        let inside = memchr::memchr_iter(b'\n', record.as_slice()).count() as u64;
        let counted_back = csv_reader.position().line().saturating_sub(inside + 1);
        let noted = record.position().map_or(0, |p| p.line());
        let line = offset + counted_back.max(noted);
        ranges.clear();
        ranges.extend((0..record.len()).filter_map(|i| record.range(i)));
        records.record(record.as_slice(), &ranges, line, sink, &mut stats)?;
    }
}

/// What reading a CSV file's records knows: its header, once read.
struct Records {
    specs: &'static [ColumnSpec],
    header: Option<Header>,
}

/// A CSV file's header, read.
struct Header {
    /// The header's column of each of the kind's columns.
    positions: Vec<Option<usize>>,
    width: usize,
    prev_hash_column: Option<usize>,
    chain: Option<LineHashes>,
    first_record: bool,
}

impl Records {
    fn new(kind: InputKind) -> Self {
        Records {
            specs: columns(kind),
            header: None,
        }
    }

    /// One record: its fields are `ranges` of `bytes`. The first is the header.
    fn record(
        &mut self,
        bytes: &[u8],
        ranges: &[Range<usize>],
        line: u64,
        sink: &mut Sink<'_>,
        stats: &mut FileStats,
    ) -> Result<(), Error> {
        let specs = self.specs;
        let Some(header) = &mut self.header else {
            self.header = Some(Header::read(specs, bytes, ranges, sink)?);
            return Ok(());
        };
        let fields = record_text(bytes, ranges);
        let field = |text, i| field_of(text, ranges, i);
        if let (Some(hashes), Some(column)) = (header.chain.as_mut(), header.prev_hash_column) {
            let previous_line = hashes.hash_of(line.saturating_sub(1), sink.disk_path)?;
            let claim = match fields {
                Some(text) if ranges.len() == header.width => match field(text, column).trim() {
                    "" => Claim::Absent,
                    value => Claim::Value(value),
                },
                _ => Claim::Unreadable,
            };
            let previous_line = if header.first_record {
                None
            } else {
                previous_line
            };
            sink.table.chain(line, previous_line.as_ref(), claim);
        }
        header.first_record = false;
        if ranges.len() != header.width {
            let reason = format!("expected {} fields, found {}", header.width, ranges.len());
            sink.reject(line, reason, stats);
            return Ok(());
        }
        let Some(text) = fields else {
            sink.reject(line, "not valid UTF-8", stats);
            return Ok(());
        };
        let positions = &header.positions;
        match sink.type_row(specs, |i| positions[i].map(|p| Raw::Text(field(text, p)))) {
            Ok(values) => {
                sink.table.push(values, sink.display, line);
                stats.rows += 1;
            }
            Err(reason) => sink.reject(line, reason, stats),
        }
        Ok(())
    }
}

impl Header {
    fn read(
        specs: &[ColumnSpec],
        bytes: &[u8],
        ranges: &[Range<usize>],
        sink: &Sink<'_>,
    ) -> Result<Header, Error> {
        let header: Vec<String> = ranges
            .iter()
            .enumerate()
            .map(|(i, range)| {
                let text = String::from_utf8_lossy(&bytes[range.clone()]);
                let text = if i == 0 {
                    text.trim_start_matches('\u{feff}')
                } else {
                    &text
                };
                text.trim().to_ascii_lowercase()
            })
            .collect();
        let positions: Vec<Option<usize>> = specs
            .iter()
            .map(|spec| header.iter().position(|h| h == spec.name))
            .collect();
        let missing: Vec<&str> = specs
            .iter()
            .zip(&positions)
            .filter(|(spec, position)| spec.required && position.is_none())
            .map(|(spec, _)| spec.name)
            .collect();
        if !missing.is_empty() {
            return Err(sink.fatal(
                Some(1),
                format!(
                    "not a canonical `{}` CSV: missing required columns {} (the header has: {})",
                    sink.kind.as_str(),
                    missing.join(", "),
                    header
                        .iter()
                        .map(|name| shown(name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let prev_hash_column = header.iter().position(|h| h == "prev_hash");
        let chain = match (sink.kind, prev_hash_column) {
            (InputKind::Audit, Some(_)) => Some(LineHashes::open(sink.disk_path)?),
            _ => None,
        };
        Ok(Header {
            positions,
            width: header.len(),
            prev_hash_column,
            chain,
            first_record: true,
        })
    }
}

/// A record's text (its fields are `ranges` of `bytes`), when every field is valid
/// UTF-8: one check a row, and fields sliced from it allocate nothing.
fn record_text<'b>(bytes: &'b [u8], ranges: &[Range<usize>]) -> Option<&'b str> {
    let text = std::str::from_utf8(bytes).ok()?;
    // Valid as a whole is not valid field by field: a character may straddle two.
    let whole = |r: &Range<usize>| text.is_char_boundary(r.start) && text.is_char_boundary(r.end);
    ranges.iter().all(whole).then_some(text)
}

/// Field `i` of a record whose [`record_text`] is `text`.
fn field_of<'t>(text: &'t str, ranges: &[Range<usize>], i: usize) -> &'t str {
    ranges
        .get(i)
        .and_then(|r| text.get(r.clone()))
        .unwrap_or("")
}

/// `message` with every control character (a line break, a tab, an escape) escaped.
fn one_line(message: String) -> String {
    if !message.chars().any(char::is_control) {
        return message;
    }
    message
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A header field as a fatal message shows it: one line (SPEC §12: one clear message),
/// so a line break or control character in a quoted field is escaped, and a field that is
/// really a whole record's worth of text is cut short.
fn shown(name: &str) -> String {
    const MAX_CHARS: usize = 40;
    let escaped: String = name.escape_debug().collect();
    match escaped.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &escaped[..end]),
        None => escaped,
    }
}

/// Reads a canonical NDJSON file: one JSON object a line; blank lines are skipped.
/// (Audit NDJSON, the large input, has its own parallel reader: `audit::ndjson`.)
pub fn read_ndjson(reader: impl Read, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let specs = columns(sink.kind);
    let mut reader = BufReader::new(reader);
    let mut stats = FileStats::default();
    let mut buffer = Vec::new();
    let mut line: u64 = 0;
    let mut objects = 0u64;
    let mut first_failure: Option<(u64, String)> = None;
    let mut seen_keys: HashMap<&'static str, bool> =
        specs.iter().map(|s| (s.name, false)).collect();
    loop {
        buffer.clear();
        let n = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|e| sink.fatal(Some(line + 1), format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        line += 1;
        let mut bytes = buffer.as_slice();
        if line == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        let bytes = bytes.trim_ascii();
        if bytes.is_empty() {
            continue;
        }
        let parsed: Result<serde_json::Map<String, serde_json::Value>, String> =
            serde_json::from_slice::<serde_json::Value>(bytes)
                .map_err(|e| format!("not JSON: {e}"))
                .and_then(|value| match value {
                    serde_json::Value::Object(map) => Ok(map),
                    _ => Err("not a JSON object".to_string()),
                });
        let object = match parsed {
            Ok(object) => object,
            Err(reason) => {
                first_failure.get_or_insert((line, reason.clone()));
                sink.reject(line, reason, &mut stats);
                continue;
            }
        };
        objects += 1;
        for spec in specs {
            if object.contains_key(spec.name) {
                seen_keys.insert(spec.name, true);
            }
        }
        let raw_of = |i: usize| -> Option<Raw<'_>> {
            match object.get(specs[i].name)? {
                serde_json::Value::String(text) => Some(Raw::Text(text)),
                serde_json::Value::Bool(b) => Some(Raw::Bool(*b)),
                serde_json::Value::Number(n) => Some(Raw::Number(n)),
                serde_json::Value::Null => None,
                serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                    Some(Raw::Text("[structured value]"))
                }
            }
        };
        match sink.type_row(specs, raw_of) {
            Ok(values) => {
                sink.table.push(values, sink.display, line);
                stats.rows += 1;
            }
            Err(reason) => sink.reject(line, reason, &mut stats),
        }
    }
    let missing: Vec<&str> = specs
        .iter()
        .filter(|spec| spec.required && !seen_keys.get(spec.name).copied().unwrap_or(false))
        .map(|spec| spec.name)
        .collect();
    ndjson_verdict(sink.disk_path, sink.kind, objects, first_failure, &missing)?;
    Ok(stats)
}

/// Reads through `inner`, adding a `\n` after the last byte when it is not one.
struct EndsWithLineEnd<R> {
    inner: R,
    last: Option<u8>,
}

impl<R: Read> EndsWithLineEnd<R> {
    fn new(inner: R) -> Self {
        EndsWithLineEnd { inner, last: None }
    }
}

impl<R: Read> Read for EndsWithLineEnd<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        match n {
            0 if buf.is_empty() => Ok(0),
            0 if self.last.is_some_and(|b| b != b'\n') => {
                buf[0] = b'\n';
                self.last = Some(b'\n');
                Ok(1)
            }
            0 => Ok(0),
            n => {
                self.last = Some(buf[n - 1]);
                Ok(n)
            }
        }
    }
}

/// Reads through `inner`, turning each `\r\n` into `\n` (a lone `\r` is kept).
struct CrlfToLf<R> {
    inner: BufReader<R>,
}

impl<R: Read> CrlfToLf<R> {
    fn new(inner: R) -> Self {
        CrlfToLf {
            inner: BufReader::new(inner),
        }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut out = 0;
        while out < buf.len() {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                break;
            }
            if available[0] == b'\r' {
                self.inner.consume(1);
                let followed_by_lf = self.inner.fill_buf()?.first() == Some(&b'\n');
                if followed_by_lf {
                    self.inner.consume(1);
                }
                buf[out] = if followed_by_lf { b'\n' } else { b'\r' };
                out += 1;
                continue;
            }
            // Copy the run up to the next `\r`.
            let run = memchr::memchr(b'\r', available).unwrap_or(available.len());
            let take = run.min(buf.len() - out);
            buf[out..out + take].copy_from_slice(&available[..take]);
            self.inner.consume(take);
            out += take;
        }
        Ok(out)
    }
}

/// Hashes a CSV file's physical lines in step with the CSV reader, so a record's link
/// to the line before it can be checked without holding the file.
struct LineHashes {
    lines: BufReader<std::fs::File>,
    /// The number and hash of the last line hashed.
    last: (u64, Option<[u8; 32]>),
    buffer: Vec<u8>,
}

impl LineHashes {
    fn open(path: &std::path::Path) -> Result<Self, Error> {
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            action: "open the input file",
            source,
        })?;
        Ok(LineHashes {
            lines: BufReader::new(file),
            last: (0, None),
            buffer: Vec::new(),
        })
    }

    /// The hash of physical line `target` (1-based); lines are only read forwards.
    fn hash_of(&mut self, target: u64, path: &std::path::Path) -> Result<Option<[u8; 32]>, Error> {
        while self.last.0 < target {
            self.buffer.clear();
            let n = self
                .lines
                .read_until(b'\n', &mut self.buffer)
                .map_err(|e| {
                    Error::input(path, Some(self.last.0 + 1), format!("cannot read: {e}"))
                })?;
            if n == 0 {
                return Ok(None);
            }
            let mut bytes = self.buffer.as_slice();
            if self.last.0 == 0 {
                bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            }
            self.last = (self.last.0 + 1, Some(line_hash(bytes)));
        }
        Ok(if self.last.0 == target {
            self.last.1
        } else {
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row a reader gives: its line and values.
    #[derive(Default)]
    struct Collect(Vec<String>);

    impl RowSink for Collect {
        fn push(&mut self, values: Vec<Value<'_>>, path: &str, line: u64) {
            self.0.push(format!("{path}:{line} {values:?}"));
        }
    }

    /// The rows, rejected rows and counts of reading `content` as probes, through the
    /// plain-line path (`read_csv`) or through the csv crate alone.
    fn read(content: &[u8], csv_crate_only: bool) -> (Vec<String>, Vec<Rejected>, FileStats) {
        let mut rows = Collect::default();
        let mut rejected = Vec::new();
        let mut sink = Sink {
            kind: InputKind::Probes,
            display: "p.csv",
            disk_path: std::path::Path::new("p.csv"),
            timezone: None,
            table: &mut rows,
            rejected: &mut rejected,
        };
        let stats = if csv_crate_only {
            let mut records = Records::new(InputKind::Probes);
            read_csv_records(content, 0, &mut records, &mut sink, FileStats::default())
        } else {
            read_csv(content, &mut sink)
        }
        .expect("reads");
        (rows.0, rejected, stats)
    }

    #[test]
    fn plain_lines_read_as_the_csv_crate_reads_them() {
        let mut long = b"\xef\xbb\xbftime,service,up,location,latency_ms\n".to_vec();
        for i in 0..100_000 {
            let row = match i % 9 {
                0 => format!("2026-10-01T00:{:02}:00Z,api,1,syd,{i}\n", i % 60),
                1 => "\n".to_string(),
                2 => format!("2026-10-01T00:00:00Z,api,maybe,syd,{i}\n"),
                3 => "2026-10-01T00:00:00Z,api,1\n".to_string(),
                4 => "2026-10-01T00:00:00Z,api,1,syd,,\n".to_string(),
                5 => format!("2026-10-01T00:00:00Z, web ,0,,{i}.5\n"),
                6 => "2026-10-01T00:00:00Z,,1,syd,\n".to_string(),
                _ => format!("2026-10-02T00:00:00Z,db,yes,mel,{}\n", i % 7),
            };
            long.extend_from_slice(row.as_bytes());
        }
        // A character split across two fields, and a last line without its line end.
        long.extend_from_slice(b"2026-10-01T00:00:00Z,api\xc3,\xa91,syd,1\n");
        let plain_end = [long.as_slice(), b"2026-10-01T00:00:00Z,api,1,syd,2"].concat();
        // Past the first blocks, a quoted field with a line break, CRLF and a lone CR:
        // the csv crate reads from there on.
        let quoted = [
            long.as_slice(),
            b"2026-10-01T00:00:00Z,\"a,\nb\",1,syd,3\r\n2026-10-01T00:00:00Z,api,0,syd,4\r\n",
            b"2026-10-01T00:00:00Z,api,0,syd,5\rx,y\n2026-10-01T00:00:00Z,api,1,syd,6\n",
        ]
        .concat();
        assert!(long.len() > 2 << 20, "spans blocks");
        for content in [
            long.clone(),
            plain_end,
            quoted,
            b"".to_vec(),
            b"\n\n".to_vec(),
        ] {
            let plain = read(&content, false);
            let csv_crate = read(&content, true);
            assert_eq!(plain.0, csv_crate.0);
            assert_eq!(plain.1, csv_crate.1);
            assert_eq!(plain.2, csv_crate.2);
        }
        let (rows, rejected, stats) = read(&long, false);
        assert_eq!(stats.rows as usize, rows.len());
        assert_eq!(stats.rejected_rows as usize, rejected.len());
        assert!(rows.len() > 30_000 && rejected.len() > 40_000);
        assert!(rejected.iter().any(|r| r.reason == "not valid UTF-8"));
        // Line 3 is blank; the row after it is line 4 (the csv crate alone said 3).
        assert_eq!(rejected[0].line, 4);
        let (_, rejected, _) = read(b"time,service,up\n\n\n\"2026-10-01T00:00:00Z\",api", true);
        assert_eq!(rejected[0].line, 4, "{rejected:?}");
    }
}
