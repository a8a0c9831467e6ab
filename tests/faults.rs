//! SPEC §18, end to end: a report is all or nothing. A run stopped by SIGTERM or SIGINT
//! at any moment exits 2 naming the signal, leaves the earlier pack at `--out` byte for
//! byte and no temporary file beside it; SIGKILL leaves the earlier pack untouched too;
//! of two runs on one `--out` one wins whole and the other exits 2 at once.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::demo_config;

fn start(out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_auditpack"))
        .args(["--quiet", "report", "--config"])
        .arg(demo_config())
        .args(["--period", "2026-10", "--out"])
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("auditpack starts")
}

/// Every file of a pack directory with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("read a pack file");
            (path.strip_prefix(dir).expect("inside").to_path_buf(), bytes)
        })
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Names beside the pack other than the pack itself.
fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .expect("read parent")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|name| name != "pack")
        .collect()
}

fn signal(child: &Child, name: &str) {
    let number = match name {
        "TERM" => libc::SIGTERM,
        _ => libc::SIGINT,
    };
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    // SAFETY: sends a signal to our own child; no memory is involved.
    let sent = unsafe { libc::kill(pid, number) };
    assert_eq!(sent, 0, "kill -{name}");
}

/// A first, complete pack at `<dir>/pack`.
fn earlier_pack(dir: &Path) -> (PathBuf, Vec<(PathBuf, Vec<u8>)>) {
    let out = dir.join("pack");
    let status = start(&out).wait().expect("first run");
    assert!(status.success(), "the first run writes a pack");
    let before = snapshot(&out);
    assert!(before.iter().any(|(p, _)| p == Path::new("SHA256SUMS")));
    (out, before)
}

#[test]
fn sigterm_and_sigint_at_any_moment_leave_the_earlier_pack_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, before) = earlier_pack(dir.path());
    // Moments from reading the evidence to writing the pack (a debug run takes seconds).
    for (delay_ms, name) in [(150, "TERM"), (700, "INT"), (1_500, "TERM"), (3_000, "INT")] {
        let child = start(&out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        signal(&child, name);
        let output = child.wait_with_output().expect("waits");
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            // Stopped: exit 2, one line naming the signal, the earlier pack as it was.
            Some(2) => {
                assert!(
                    stderr.contains(&format!("stopped by SIG{name}")),
                    "{stderr}"
                );
                assert_eq!(
                    snapshot(&out),
                    before,
                    "the pack changed after SIG{name} at {delay_ms} ms"
                );
            }
            // Finished first: the new pack is whole (identical: the same inputs and clock).
            Some(0) => assert_eq!(snapshot(&out), before),
            other => panic!("exit {other:?} after SIG{name} at {delay_ms} ms: {stderr}"),
        }
        assert_eq!(
            leftovers(dir.path()),
            Vec::<String>::new(),
            "after SIG{name} at {delay_ms} ms"
        );
    }
}

#[test]
fn sigkill_leaves_the_earlier_pack_untouched_and_the_next_run_cleans_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, before) = earlier_pack(dir.path());
    for delay_ms in [300, 2_000] {
        let mut child = start(&out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        assert_eq!(
            snapshot(&out),
            before,
            "the pack changed after SIGKILL at {delay_ms} ms"
        );
    }
    // The next run removes what the killed ones left and writes the pack whole.
    assert!(start(&out).wait().expect("runs").success());
    assert_eq!(snapshot(&out), before);
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn of_two_runs_on_one_output_one_wins_whole_and_the_other_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, before) = earlier_pack(dir.path());
    let first = start(&out);
    // Wait until the first run holds the output's lock.
    let lock = dir.path().join(".pack.lock");
    let waited = Instant::now();
    while !lock.exists() && waited.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = start(&out).wait_with_output().expect("second run");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("another auditpack run is writing this pack"),
        "{stderr}"
    );
    let first = first.wait_with_output().expect("first run");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(snapshot(&out), before);
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn an_output_that_cannot_be_written_exits_2_naming_it_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A regular file where the output's parent directory should be.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").expect("write");
    let output = start(&blocker.join("pack"))
        .wait_with_output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not-a-dir"), "{stderr}");
    assert_eq!(std::fs::read(&blocker).expect("still a file"), b"x");
}

/// Mounts a tmpfs of `size` at `dir` for the test's life; `None` where this machine
/// cannot (not root, no mount permission): the test then says so and checks nothing.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_exits_2_and_leaves_the_earlier_pack_and_no_staging() {
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).expect("mkdir");
    // The demo pack is about 450 kB: 200 kB holds a small earlier pack, not the new one.
    let Some(_mounted) = Tmpfs::mount(&disk, "200k") else {
        eprintln!("skipped: cannot mount a tmpfs here (CI runs as root and can)");
        return;
    };
    let out = disk.join("pack");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("SHA256SUMS"), b"earlier\n").expect("an earlier pack");
    let before = snapshot(&out);
    let output = start(&out).wait_with_output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert_eq!(snapshot(&out), before);
    let beside: Vec<String> = std::fs::read_dir(&disk)
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|name| name != "pack")
        .collect();
    assert_eq!(beside, Vec::<String>::new());
}

#[test]
fn a_read_only_output_exits_2_and_leaves_the_earlier_pack() {
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).expect("mkdir");
    let Some(_mounted) = Tmpfs::mount(&disk, "1m") else {
        eprintln!("skipped: cannot mount a tmpfs here (CI runs as root and can)");
        return;
    };
    let out = disk.join("pack");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("SHA256SUMS"), b"earlier\n").expect("an earlier pack");
    let remounted = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&disk)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !remounted {
        eprintln!("skipped: cannot remount the tmpfs read-only here");
        return;
    }
    let before = snapshot(&out);
    let output = start(&out).wait_with_output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("Read-only file system"), "{stderr}");
    assert_eq!(snapshot(&out), before);
}

/// SPEC §18: a log still being written while the report reads it. A writer appends
/// whole lines throughout the run; the pack records how many bytes were read, and
/// the hash in inputs.csv is of exactly those first bytes of the file.
#[test]
fn a_log_appended_during_the_run_is_hashed_as_far_as_it_was_read() {
    use sha2::{Digest, Sha256};
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("audit.ndjson");
    let line = |i: usize| {
        format!(
            "{{\"time\":\"2026-10-{:02}T{:02}:{:02}:00Z\",\"actor\":\"user{}\",\"action\":\"login\",\"outcome\":\"success\",\"role\":\"admin\",\"mfa\":true}}\n",
            1 + (i / 1440) % 28,
            (i / 60) % 24,
            i % 60,
            i % 50
        )
    };
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&log).expect("create"));
        for i in 0..300_000 {
            file.write_all(line(i).as_bytes()).expect("write");
        }
    }
    let initial = std::fs::metadata(&log).expect("size").len();
    std::fs::write(
        dir.path().join("auditpack.toml"),
        "[organisation]\nname = \"Appending\"\ntimezone = \"UTC\"\nprimary_region = \"eu-west-1\"\n\n\
         [[input]]\nkind = \"audit\"\nformat = \"ndjson\"\npath = \"audit.ndjson\"\n",
    )
    .expect("config");
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, log) = (Arc::clone(&stop), log.clone());
        std::thread::spawn(move || {
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&log)
                .expect("open for append");
            let mut i = 300_000;
            while !stop.load(Ordering::Relaxed) {
                // One write per line: an appended line is whole or absent.
                file.write_all(line(i).as_bytes()).expect("append");
                i += 1;
                if i % 100 == 0 {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            i - 300_000
        })
    };
    let out = dir.path().join("pack");
    let output = Command::new(env!("CARGO_BIN_EXE_auditpack"))
        .args(["--quiet", "report", "--config"])
        .arg(dir.path().join("auditpack.toml"))
        .args(["--period", "2026-10", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    stop.store(true, Ordering::Relaxed);
    let appended = writer.join().expect("the writer");
    assert!(appended > 0, "the writer appended during the run");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes_now = std::fs::read(&log).expect("read the log");
    let inputs = std::fs::read_to_string(out.join("inputs.csv")).expect("inputs.csv");
    let row: Vec<&str> = inputs
        .lines()
        .nth(1)
        .expect("one input")
        .split(',')
        .collect();
    // path,kind,format,sha256,bytes,rows,rejected_rows
    let read: usize = row[4].parse().expect("bytes");
    assert!(read as u64 >= initial, "read {read} of at least {initial}");
    assert!(read <= bytes_now.len());
    assert_eq!(row[3], format!("{:x}", Sha256::digest(&bytes_now[..read])));
    let lines = bytes_now[..read].iter().filter(|b| **b == b'\n').count();
    let rows: usize = row[5].parse().expect("rows");
    let rejected: usize = row[6].parse().expect("rejected");
    assert_eq!(
        rows + rejected,
        lines + usize::from(bytes_now[..read].last() != Some(&b'\n'))
    );
}
