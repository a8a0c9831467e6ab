//! The parallel NDJSON audit reader (SPEC §13: ten million lines, 2 GB, a month).
//!
//! A file is cut into blocks of whole lines. Every worker (one per core) repeats: take
//! the next block from the shared reader (which hashes the file's bytes in order), parse
//! and type it — the expensive part, done by all workers at once — then wait for the
//! block's turn and hand its events to the consumer. The consumer therefore sees the
//! file's events in line order, exactly as a single-threaded reader would give them,
//! and memory holds at most one block per worker: it does not grow with the file.
//!
//! A block does not know where it starts until the blocks before it are consumed, so
//! lines are numbered from the block's start while parsing, and the first line's
//! `prev_hash` link (which needs the previous block's last line) is judged at its turn.

use std::fs::File;
use std::io::Read;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use chrono_tz::Tz;
use sha2::{Digest, Sha256};

use super::record::{read_line, type_fields, Typed};
use super::{AuditConsumer, AuditEvent};
use crate::config::Input;
use crate::digest::hex;
use crate::error::Error;
use crate::ingest::chain::{line_hash, ChainLinks, Claim};
use crate::ingest::schema::{columns, ndjson_verdict};
use crate::ingest::PlannedFile;
use crate::model::{InputFile, Rejected};
use crate::observer::Observer;

/// Bytes read at a time; a block is this much rounded down to whole lines (a longer
/// line makes a longer block).
const BLOCK_BYTES: u64 = 4 << 20;

/// Reads one NDJSON audit file into `consumer`, on every core.
pub fn read(
    file: &PlannedFile,
    input: &Input,
    source: &str,
    consumer: &mut (dyn AuditConsumer + Send),
    rejected: &mut Vec<Rejected>,
    observer: &dyn Observer,
) -> Result<InputFile, Error> {
    let target = Target {
        consumer,
        rejected,
        observer,
    };
    read_in_blocks(file, input, source, target, BLOCK_BYTES)
}

/// Where a file's events, rejected rows and progress go.
struct Target<'c, 'o> {
    consumer: &'c mut (dyn AuditConsumer + Send),
    rejected: &'c mut Vec<Rejected>,
    observer: &'o dyn Observer,
}

fn read_in_blocks(
    file: &PlannedFile,
    input: &Input,
    source: &str,
    target: Target<'_, '_>,
    block_bytes: u64,
) -> Result<InputFile, Error> {
    let Target {
        consumer,
        rejected,
        observer,
    } = target;
    let reader = Mutex::new(Blocks::new(file.open()?, observer, block_bytes));
    let turns = Turns {
        state: Mutex::new(Sequence {
            next: 0,
            stopped: false,
            file: FileProgress::new(&file.display, source),
            consumer,
            rejected,
            error: None,
        }),
        turn: Condvar::new(),
    };
    let timezone = input.timezone;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let work = || worker(&reader, &turns, timezone, &file.path);
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    let sequence = turns
        .state
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(error) = sequence.error {
        return Err(error);
    }
    let blocks = reader.into_inner().unwrap_or_else(PoisonError::into_inner);
    let progress = sequence.file;
    let (rows, rejected_rows) = (progress.rows, progress.rejected_rows);
    progress.check_format(&file.path)?;
    Ok(InputFile {
        path: file.display.clone(),
        kind: input.kind.as_str().to_string(),
        format: input.format.as_str().to_string(),
        sha256: hex(&blocks.hasher.finalize()),
        bytes: blocks.bytes,
        rows,
        rejected_rows,
    })
}

/// One worker: take a block, parse it, consume it at its turn; until the file ends or
/// the run stops.
fn worker(
    reader: &Mutex<Blocks<'_>>,
    turns: &Turns<'_, '_>,
    timezone: Option<Tz>,
    path: &std::path::Path,
) {
    loop {
        let (index, block, events) = {
            let mut blocks = lock(reader);
            let index = blocks.taken;
            let events = blocks.spare_events.pop().unwrap_or_default();
            match blocks.next(path) {
                Ok(Some(bytes)) => {
                    blocks.taken += 1;
                    (index, Ok(bytes), events)
                }
                Ok(None) => return,
                Err(error) => {
                    blocks.taken += 1;
                    blocks.failed = true;
                    (index, Err(error), events)
                }
            }
        };
        let parsed = match &block {
            Ok(bytes) => Some(parse_block(bytes, index == 0, timezone, events)),
            Err(_) => None,
        };
        let mut sequence = lock(&turns.state);
        while sequence.next != index && !sequence.stopped {
            sequence = turns
                .turn
                .wait(sequence)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if sequence.stopped {
            return;
        }
        let mut events = None;
        if let Some(parsed) = parsed {
            events = Some(sequence.consume(parsed));
        } else if let Err(error) = block {
            sequence.error = Some(error);
            sequence.stopped = true;
            sequence.next += 1;
            turns.turn.notify_all();
            return;
        }
        sequence.next += 1;
        turns.turn.notify_all();
        drop(sequence);
        // The next blocks reuse the memory: no fresh pages per block.
        let mut blocks = lock(reader);
        if let Ok(bytes) = block {
            blocks.spare.push(bytes);
        }
        blocks.spare_events.extend(events);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The file, read in blocks of whole lines, hashed in order on the way.
struct Blocks<'o> {
    file: std::io::Take<File>,
    hasher: Sha256,
    bytes: u64,
    /// The unfinished line after the last block.
    carry: Vec<u8>,
    /// Buffers of consumed blocks, for the next blocks: no fresh pages per block.
    spare: Vec<Vec<u8>>,
    /// The same for the blocks' typed events (a few MB each).
    spare_events: Vec<Events>,
    eof: bool,
    failed: bool,
    /// Blocks handed out so far.
    taken: u64,
    observer: &'o dyn Observer,
    block_bytes: u64,
}

impl<'o> Blocks<'o> {
    fn new(file: std::io::Take<File>, observer: &'o dyn Observer, block_bytes: u64) -> Self {
        Blocks {
            file,
            hasher: Sha256::new(),
            bytes: 0,
            carry: Vec::new(),
            spare: Vec::new(),
            spare_events: Vec::new(),
            eof: false,
            failed: false,
            taken: 0,
            observer,
            block_bytes,
        }
    }

    /// The next block of whole lines (the last one may lack its final newline).
    fn next(&mut self, path: &std::path::Path) -> Result<Option<Vec<u8>>, Error> {
        if self.failed {
            return Ok(None);
        }
        let mut block = self.spare.pop().unwrap_or_default();
        block.clear();
        block.extend_from_slice(&self.carry);
        self.carry.clear();
        while !self.eof {
            let old = block.len();
            block.reserve(self.block_bytes as usize);
            let n = (&mut self.file)
                .take(self.block_bytes)
                .read_to_end(&mut block)
                .map_err(|e| Error::input(path, None, format!("cannot read: {e}")))?;
            self.hasher.update(&block[old..]);
            self.bytes += n as u64;
            self.observer.advance(n as u64);
            if (n as u64) < self.block_bytes {
                self.eof = true;
            }
            if let Some(end) = memchr::memrchr(b'\n', &block[old..]) {
                self.carry.extend_from_slice(&block[old + end + 1..]);
                block.truncate(old + end + 1);
                break;
            }
        }
        Ok((!block.is_empty()).then_some(block))
    }
}

/// The consumer side: whose turn it is, and what the file has given so far.
struct Turns<'c, 'p> {
    state: Mutex<Sequence<'c, 'p>>,
    turn: Condvar,
}

struct Sequence<'c, 'p> {
    /// The block whose turn it is.
    next: u64,
    stopped: bool,
    file: FileProgress<'p>,
    consumer: &'c mut (dyn AuditConsumer + Send),
    rejected: &'c mut Vec<Rejected>,
    error: Option<Error>,
}

impl Sequence<'_, '_> {
    /// Hands one parsed block to the consumer, numbering its lines. Gives back the
    /// block's event vector, emptied, for a later block.
    fn consume(&mut self, block: ParsedBlock<'_>) -> Events {
        let progress = &mut self.file;
        let offset = progress.lines;
        let mut links = ChainLinks::default();
        if let Some(claim) = &block.first_claim {
            // The block's first line links to the previous block's last line.
            links.judge(offset + 1, progress.last_hash.as_ref(), claim.as_claim());
        }
        links.append(&block.links, offset);
        if links.count > 0 {
            self.consumer.chain(progress.display, &links);
        }
        for (line, typed) in &block.events {
            let event = AuditEvent {
                time: typed.time,
                actor: &typed.actor,
                action: &typed.action,
                kind: typed.kind,
                success: typed.success,
                role: typed.role.as_deref(),
                tenant: typed.tenant.as_deref(),
                mfa: typed.mfa,
                target: typed.target.as_deref(),
                ticket: typed.ticket.as_deref(),
                ip: typed.ip.as_deref(),
                file: progress.display,
                source: progress.source,
                line: offset + line,
            };
            self.consumer.event(&event);
        }
        progress.rows += block.events.len() as u64;
        progress.rejected_rows += block.rejected.len() as u64;
        self.rejected
            .extend(block.rejected.into_iter().map(|(line, reason)| Rejected {
                path: progress.display.to_string(),
                line: offset + line,
                reason,
            }));
        if progress.first_failure.is_none() {
            progress.first_failure = block
                .first_failure
                .map(|(line, reason)| (offset + line, reason));
        }
        progress.objects += block.objects;
        progress.present |= block.present;
        if block.lines > 0 {
            progress.last_hash = block.last_hash;
        }
        progress.lines += block.lines;
        reuse(block.events)
    }
}

/// A block's typed events, emptied between blocks.
type Events = Vec<(u64, Typed<'static>)>;

/// `events` emptied, for events borrowing from another block: the same allocation
/// (collecting an emptied vector's iterator into one of the same layout reuses it).
fn reuse<'to>(mut events: Vec<(u64, Typed<'_>)>) -> Vec<(u64, Typed<'to>)> {
    events.clear();
    // `filter` cannot change the lifetime; `filter_map` to `None` can.
    #[allow(clippy::unnecessary_filter_map)]
    events.into_iter().filter_map(|_| None).collect()
}

/// What the blocks of one file have given so far.
struct FileProgress<'p> {
    display: &'p str,
    source: &'p str,
    lines: u64,
    last_hash: Option<[u8; 32]>,
    rows: u64,
    rejected_rows: u64,
    objects: u64,
    first_failure: Option<(u64, String)>,
    present: u16,
}

impl<'p> FileProgress<'p> {
    fn new(display: &'p str, source: &'p str) -> Self {
        FileProgress {
            display,
            source,
            lines: 0,
            last_hash: None,
            rows: 0,
            rejected_rows: 0,
            objects: 0,
            first_failure: None,
            present: 0,
        }
    }

    /// A file that is not NDJSON audit events at all stops the run (SPEC §12).
    fn check_format(self, path: &std::path::Path) -> Result<(), Error> {
        let kind = crate::config::InputKind::Audit;
        let missing: Vec<&str> = columns(kind)
            .iter()
            .enumerate()
            .filter(|(i, spec)| spec.required && self.present & (1 << i) == 0)
            .map(|(_, spec)| spec.name)
            .collect();
        ndjson_verdict(path, kind, self.objects, self.first_failure, &missing)
    }
}

/// A block's claim on its first line, kept until the line before it is known.
enum OwnedClaim {
    Unreadable,
    Absent,
    Value(String),
}

impl OwnedClaim {
    fn of(claim: Claim<'_>) -> Self {
        match claim {
            Claim::Unreadable => OwnedClaim::Unreadable,
            Claim::Absent => OwnedClaim::Absent,
            Claim::Value(value) => OwnedClaim::Value(value.to_string()),
        }
    }

    fn as_claim(&self) -> Claim<'_> {
        match self {
            OwnedClaim::Unreadable => Claim::Unreadable,
            OwnedClaim::Absent => Claim::Absent,
            OwnedClaim::Value(value) => Claim::Value(value),
        }
    }
}

/// One block, parsed: lines numbered from 1 at the block's start.
#[derive(Default)]
struct ParsedBlock<'b> {
    lines: u64,
    /// The hash of the block's last physical line.
    last_hash: Option<[u8; 32]>,
    /// The claim of the block's first line, when it is a record and not the file's
    /// first line: judged at the block's turn.
    first_claim: Option<OwnedClaim>,
    links: ChainLinks,
    events: Vec<(u64, Typed<'b>)>,
    rejected: Vec<(u64, String)>,
    first_failure: Option<(u64, String)>,
    objects: u64,
    present: u16,
}

/// Parses and types every line of a block. `starts_file`: the block is the file's
/// first (a UTF-8 BOM may open it, and its first line links to nothing).
fn parse_block(
    bytes: &[u8],
    starts_file: bool,
    timezone: Option<Tz>,
    spare: Events,
) -> ParsedBlock<'_> {
    let mut events = reuse(spare);
    // About one event per 200 bytes: room up front instead of copies as it grows.
    events.reserve(bytes.len() / 160 + 1);
    let mut block = ParsedBlock {
        events,
        ..ParsedBlock::default()
    };
    let mut previous: Option<[u8; 32]> = None;
    for mut line in split_lines(bytes) {
        block.lines += 1;
        let number = block.lines;
        if starts_file && number == 1 {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        let link_to = previous.replace(line_hash(line));
        let record = line.trim_ascii();
        if record.is_empty() {
            continue;
        }
        let fields = read_line(record);
        let claim = fields.as_ref().map_or(Claim::Unreadable, |f| f.claim());
        if number == 1 && !starts_file {
            block.first_claim = Some(OwnedClaim::of(claim));
        } else {
            block.links.judge(number, link_to.as_ref(), claim);
        }
        match fields {
            Err(reason) => {
                block
                    .first_failure
                    .get_or_insert_with(|| (number, reason.clone()));
                block.rejected.push((number, reason));
            }
            Ok(fields) => {
                block.objects += 1;
                block.present |= fields.present();
                match type_fields(fields, timezone) {
                    Ok(typed) => block.events.push((number, typed)),
                    Err(reason) => block.rejected.push((number, reason)),
                }
            }
        }
    }
    block.last_hash = previous;
    block
}

/// The physical lines of `bytes`, each with its terminator (the last may have none).
fn split_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::observer::Silent;

    /// What a consumer saw, owned, in the order it saw it.
    #[derive(Debug, Default, PartialEq)]
    struct Seen {
        events: Vec<String>,
        links: ChainLinks,
    }

    impl AuditConsumer for Seen {
        fn event(&mut self, e: &AuditEvent<'_>) {
            self.events.push(format!(
                "{} {} {} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {}",
                e.line,
                e.time,
                e.actor,
                e.action,
                e.success,
                e.role,
                e.tenant,
                e.mfa,
                e.target,
                e.ticket,
                e.ip,
                e.source
            ));
        }

        fn chain(&mut self, _file: &str, links: &ChainLinks) {
            self.links.append(links, 0);
        }
    }

    fn read_with(
        content: &[u8],
        block_bytes: u64,
    ) -> Result<(Seen, Vec<Rejected>, InputFile), Error> {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.ndjson"), content).expect("write");
        let text = "[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n\
                    [[input]]\nkind = \"audit\"\nformat = \"ndjson\"\npath = \"a.ndjson\"\n";
        let config = Config::parse(&dir.path().join("auditpack.toml"), text).expect("config");
        let file = PlannedFile {
            input_index: 0,
            path: dir.path().join("a.ndjson"),
            display: "a.ndjson".to_string(),
            latency: false,
            limit: None,
            bytes: content.len() as u64,
        };
        let mut seen = Seen::default();
        let mut rejected = Vec::new();
        let target = Target {
            consumer: &mut seen,
            rejected: &mut rejected,
            observer: &Silent,
        };
        let read = read_in_blocks(&file, &config.inputs[0], "a.ndjson", target, block_bytes)?;
        Ok((seen, rejected, read))
    }

    /// A chained file with a BOM, CRLF, blank lines, escapes, a line longer than the
    /// small blocks, broken and unreadable lines, a tampered line and no final newline.
    fn tricky_file() -> Vec<u8> {
        let records = [
            r#"{"time":"2026-10-01T00:00:00Z","actor":"ana","action":"login","outcome":"success","role":"admin","mfa":true}"#.to_string(),
            r#"{"time":"2026-10-01T00:01:00Z","actor":"b\u00e9a \"q\"","action":"support_access","outcome":"success","tenant":"acme","ticket":""}"#.to_string(),
            String::new(),
            "{broken".to_string(),
            format!(r#"{{"time":"2026-10-01T00:02:00Z","actor":"carl","action":"login","outcome":"success","ip":"{}"}}"#, "9".repeat(300)),
            r#"{"time":"not a time","actor":"dan","action":"login","outcome":"success"}"#.to_string(),
            r#"{"time":"2026-10-01T00:03:00Z","actor":"eve","action":"deactivate","outcome":"success","target":"ana"}"#.to_string(),
            r#"{"time":"2026-10-01T00:04:00Z","actor":"fay","action":"logout","outcome":"failure"}"#.to_string(),
        ];
        let mut bytes = b"\xef\xbb\xbf".to_vec();
        let mut previous: Option<[u8; 32]> = None;
        for (i, record) in records.iter().enumerate() {
            let mut line = record.clone();
            if let (Some(hash), Some(stripped)) = (previous, record.strip_suffix('}')) {
                let claimed = if i == 6 { "0".repeat(64) } else { hex(&hash) };
                line = format!(r#"{stripped},"prev_hash":"{claimed}"}}"#);
            }
            let without_bom = line.as_bytes();
            previous = Some(line_hash(without_bom));
            bytes.extend_from_slice(line.as_bytes());
            if i + 1 < records.len() {
                bytes.extend_from_slice(if i % 2 == 0 { b"\r\n" } else { b"\n" });
            }
        }
        bytes
    }

    #[test]
    fn block_boundaries_change_nothing() {
        let content = tricky_file();
        let (seen, rejected, read) = read_with(&content, BLOCK_BYTES).expect("reads");
        let lines: Vec<(u64, &str)> = rejected
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0].0, 4);
        assert!(lines[0].1.starts_with("not JSON"));
        assert_eq!(lines[1].0, 6);
        assert_eq!((read.rows, read.rejected_rows), (5, 2));
        assert_eq!(read.bytes, content.len() as u64);
        assert_eq!(seen.events.len(), 5);
        assert!(seen.events[1].starts_with("2 1790812860000 béa \"q\" support_access true"));
        assert!(
            seen.events[1].contains("Some(\"acme\") None None None"),
            "{}",
            seen.events[1]
        );
        assert!(seen.links.carries);
        assert_eq!(seen.links.count, 7, "every non-blank line is a link");
        let broken: Vec<u64> = seen.links.broken.iter().map(|(line, _)| *line).collect();
        assert_eq!(broken, vec![7], "only the tampered claim");
        assert_eq!(seen.links.absent, vec![]);
        for block_bytes in [1, 2, 7, 64, 200, 333] {
            let again = read_with(&content, block_bytes).expect("reads");
            assert_eq!(again.0, seen, "block size {block_bytes}");
            assert_eq!(again.1, rejected, "block size {block_bytes}");
            assert_eq!(again.2, read, "block size {block_bytes}");
        }
    }

    #[test]
    fn a_file_without_a_chain_keeps_one_run_of_absent_links() {
        let line =
            r#"{"time":"2026-10-01T00:00:00Z","actor":"a","action":"login","outcome":"success"}"#;
        let content = format!("{line}\n").repeat(1000);
        for block_bytes in [100, BLOCK_BYTES] {
            let (seen, _, read) = read_with(content.as_bytes(), block_bytes).expect("reads");
            assert_eq!(read.rows, 1000);
            assert!(!seen.links.carries);
            assert_eq!(seen.links.absent, vec![(2, 1000)]);
        }
    }

    #[test]
    fn a_file_that_is_not_audit_ndjson_stops_the_run_naming_its_line() {
        let error = read_with(b"\n\nhello\nworld\n", 3).unwrap_err().to_string();
        assert!(error.contains("a.ndjson:3:"), "{error}");
        assert!(error.contains("not NDJSON"), "{error}");
        let error = read_with(b"{\"who\":1}\n", 3).unwrap_err().to_string();
        assert!(
            error.contains("no record has the required fields time, actor, action, outcome"),
            "{error}"
        );
        let (seen, rejected, read) = read_with(b"", 3).expect("an empty file is normal");
        assert_eq!((seen.events.len(), rejected.len(), read.rows), (0, 0, 0));
    }

    #[test]
    fn a_blocks_event_vector_is_reused_not_reallocated() {
        let spare: Events = Vec::with_capacity(30_000);
        let (at, capacity) = (spare.as_ptr() as usize, spare.capacity());
        let bytes = b"{\"time\":\"2026-10-01T00:00:00Z\",\"actor\":\"a\",\"action\":\"login\",\"outcome\":\"success\"}\n";
        let block = parse_block(bytes, true, None, spare);
        assert_eq!(block.events.len(), 1);
        assert_eq!(block.events.as_ptr() as usize, at);
        let again = reuse(block.events);
        assert!(again.is_empty());
        assert_eq!((again.as_ptr() as usize, again.capacity()), (at, capacity));
    }
}
