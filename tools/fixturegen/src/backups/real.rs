//! `demo-backups`: the planned snapshots and archives, made by the real tools.
//!
//! restic and borg run against throwaway repositories in a fresh directory under
//! `std::env::temp_dir()` (removed afterwards, also on failure), replaying the
//! exact times of [`super::plan`]: `restic backup --time` and `borg create
//! --timestamp`, both in UTC. Their JSON goes to `evidence/backups/` as the
//! tools printed it, except for three edits that keep the build machine out of
//! the fixtures: the throwaway paths become stable fake ones (`paths` of restic
//! snapshots; borg's `repository.location`, `cache.path`, `security_dir` and the
//! recorded `command_line`), and borg's `hostname` becomes the demo host's.
//!
//! The ids are random, so the files are not byte-reproducible; what is checked
//! instead, on every run, is that each file lists exactly the planned times
//! (as UTC for restic, as Melbourne naive local times for borg) and names.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::{Backups, Point, Repo, Tool, DIR};
use crate::org::TIMEZONE;
use crate::time::{naive_melbourne, rfc3339};

const PASSWORD: &str = "demo-only";
const RESTIC_HOST: &str = "payroll-db-01";
const BORG_HOST: &str = "files-01";
/// Where the backed-up data would live on the demo's servers.
const PAYROLL_DATA: &str = "/var/backups/payroll-db";
const FILES_DATA: &str = "/srv/customer-files";
/// Stands in for the borg home (`BORG_BASE_DIR`) in cache and security paths.
const BORG_HOME: &str = "/root";

/// A directory that is removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self, String> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "auditpack-fixturegen-{}-{nanos}",
            std::process::id()
        ));
        fs::create_dir(&path).map_err(|e| format!("creating {}: {e}", path.display()))?;
        Ok(Scratch(path))
    }

    fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Run a command; its stdout, or an error with its stderr.
fn run(command: &mut Command) -> Result<String, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let output = command.output().map_err(|e| {
        format!("cannot run `{program}`: {e} (demo-backups needs restic and borg: apt-get install restic borgbackup)")
    })?;
    if !output.status.success() {
        return Err(format!(
            "`{program} {}` failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("`{program}` printed non-UTF-8: {e}"))
}

/// The string values of every `key`, at any depth, of the JSON in `text` (one
/// document, or several in a row as `restic backup --json` prints them).
fn values(text: &str, key: &str) -> Result<Vec<String>, String> {
    fn collect(value: &Value, key: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    if let (true, Value::String(s)) = (k == key, v) {
                        out.push(s.clone());
                    }
                    collect(v, key, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, key, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for document in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        let document = document.map_err(|e| format!("reading the tool's JSON: {e}"))?;
        collect(&document, key, &mut out);
    }
    Ok(out)
}

/// Replace the value of every `"key": "…"` string, leaving the tool's layout as
/// it printed it.
fn set_values(text: &str, key: &str, new: &str) -> Result<String, String> {
    let mut s = text.to_string();
    for old in values(text, key)? {
        for sep in [": ", ":"] {
            s = s.replace(
                &format!("\"{key}\"{sep}\"{old}\""),
                &format!("\"{key}\"{sep}\"{new}\""),
            );
        }
    }
    Ok(s)
}

/// `2026-10-01 04:00:00` / `2026-10-01T04:00:00`: UTC as the tools take it.
fn tool_time(t: i64, sep: char) -> String {
    let s = rfc3339(t);
    format!("{}{sep}{}", &s[..10], &s[11..19])
}

/// Compare what a file lists with what was planned.
fn expect_same(
    file: &str,
    what: &str,
    mut got: Vec<String>,
    mut want: Vec<String>,
) -> Result<(), String> {
    got.sort();
    want.sort();
    if got == want {
        return Ok(());
    }
    let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).take(5).collect();
    let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).take(5).collect();
    Err(format!(
        "{file}: {} {what} listed, {} planned; missing {missing:?}, unexpected {extra:?}",
        got.len(),
        want.len()
    ))
}

/// One evidence file: where it goes and its text.
struct Export {
    file: &'static str,
    text: String,
    entries: usize,
}

fn repo(plan: &Backups, tool: Tool, offsite: bool) -> Result<&Repo, String> {
    plan.repos
        .iter()
        .find(|r| r.tool == tool && r.offsite() == offsite)
        .ok_or_else(|| format!("the plan has no {tool:?} repository (offsite: {offsite})"))
}

/// payroll-db: restic primary every 4 h, offsite by `restic copy`.
fn restic(plan: &Backups, scratch: &Scratch) -> Result<Vec<Export>, String> {
    let primary = repo(plan, Tool::Restic, false)?;
    let offsite = repo(plan, Tool::Restic, true)?;
    let data = scratch.join("data/payroll-db");
    let (p_repo, o_repo) = (
        scratch.join("repos/payroll-db-primary"),
        scratch.join("repos/payroll-db-offsite"),
    );
    fs::create_dir_all(&data).map_err(|e| format!("creating {}: {e}", data.display()))?;
    let restic = |repo: &Path| {
        let mut c = Command::new("restic");
        c.arg("-r")
            .arg(repo)
            .arg("-q")
            .current_dir(&data)
            .env("RESTIC_PASSWORD", PASSWORD)
            .env("RESTIC_FROM_PASSWORD", PASSWORD)
            .env("RESTIC_CACHE_DIR", scratch.join("restic-cache"))
            .env("TZ", "UTC");
        for var in [
            "RESTIC_REPOSITORY",
            "RESTIC_REPOSITORY_FILE",
            "RESTIC_PASSWORD_FILE",
            "RESTIC_PASSWORD_COMMAND",
            "RESTIC_FROM_REPOSITORY",
            "RESTIC_FROM_PASSWORD_FILE",
            "RESTIC_FROM_PASSWORD_COMMAND",
        ] {
            c.env_remove(var);
        }
        c
    };
    run(restic(&p_repo).arg("init"))?;
    run(restic(&o_repo)
        .args(["init", "--copy-chunker-params", "--from-repo"])
        .arg(&p_repo))?;

    fs::write(
        data.join("schema.sql"),
        "CREATE TABLE employee (id bigint PRIMARY KEY, name text, bank_account text);\n\
         CREATE TABLE payslip (id bigint PRIMARY KEY, employee bigint, period text, net numeric);\n",
    )
    .map_err(|e| format!("writing demo data: {e}"))?;
    let mut ids: Vec<(i64, String)> = Vec::new();
    for p in &primary.points {
        fs::write(
            data.join("payroll.sql"),
            format!("-- payroll dump taken {}\nSELECT 1;\n", rfc3339(p.started)),
        )
        .map_err(|e| format!("writing demo data: {e}"))?;
        let out = run(restic(&p_repo).args([
            "backup",
            "--json",
            "--host",
            RESTIC_HOST,
            "--time",
            &tool_time(p.started, ' '),
            ".",
        ]))?;
        let id = values(&out, "snapshot_id")?
            .pop()
            .ok_or_else(|| format!("restic backup printed no snapshot_id: {out}"))?;
        ids.push((p.started, id));
    }
    // The offsite job copies the primary's snapshot of the same instant.
    let mut copy = restic(&o_repo);
    copy.args(["copy", "--from-repo"]).arg(&p_repo);
    for p in &offsite.points {
        let id = ids
            .iter()
            .find(|(t, _)| *t == p.started)
            .ok_or_else(|| format!("no primary snapshot at {} to copy", rfc3339(p.started)))?;
        copy.arg(&id.1);
    }
    run(&mut copy)?;

    let mut exports = Vec::new();
    for (r, path) in [(primary, &p_repo), (offsite, &o_repo)] {
        let raw = run(restic(path).args(["snapshots", "--json"]))?;
        let text = raw.replace(&data.to_string_lossy().into_owned(), PAYROLL_DATA);
        let want = |points: &[Point]| -> Vec<String> {
            points.iter().map(|p| rfc3339(p.started)).collect()
        };
        let times = values(&text, "time")?;
        expect_same(r.file, "snapshot times", times, want(&r.points))?;
        if r.offsite() && values(&text, "original")?.len() != r.points.len() {
            return Err(format!("{}: not every snapshot is a copy", r.file));
        }
        exports.push(Export {
            file: r.file,
            entries: values(&text, "short_id")?.len(),
            text,
        });
    }
    Ok(exports)
}

/// customer-files: borg primary every 4 h (listed), borg offsite daily (info).
fn borg(plan: &Backups, scratch: &Scratch) -> Result<Vec<Export>, String> {
    let primary = repo(plan, Tool::BorgList, false)?;
    let offsite = repo(plan, Tool::BorgInfo, true)?;
    let data = scratch.join("data/customer-files");
    let home = scratch.join("borg-home");
    let (p_repo, o_repo) = (
        scratch.join("repos/customer-files-primary"),
        scratch.join("repos/customer-files-offsite"),
    );
    for dir in [&data.join("www"), &home] {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let borg = |tz: &str| {
        let mut c = Command::new("borg");
        c.current_dir(&data)
            .env("BORG_PASSPHRASE", PASSWORD)
            .env("BORG_BASE_DIR", &home)
            .env("TZ", tz);
        for var in [
            "BORG_REPO",
            "BORG_PASSCOMMAND",
            "BORG_PASSPHRASE_FD",
            "BORG_KEY_FILE",
            "BORG_KEYS_DIR",
            "BORG_CACHE_DIR",
            "BORG_CONFIG_DIR",
            "BORG_SECURITY_DIR",
        ] {
            c.env_remove(var);
        }
        c
    };
    fs::write(
        data.join("www/index.html"),
        "<!doctype html><title>Southern Cross Hosting customer site</title>\n",
    )
    .map_err(|e| format!("writing demo data: {e}"))?;
    for (r, path) in [(primary, &p_repo), (offsite, &o_repo)] {
        run(borg("UTC").args(["init", "-e", "repokey"]).arg(path))?;
        for p in &r.points {
            fs::write(
                data.join("uploads.log"),
                format!("uploads up to {}\n", rfc3339(p.started)),
            )
            .map_err(|e| format!("writing demo data: {e}"))?;
            run(borg("UTC")
                .args(["create", "--timestamp", &tool_time(p.started, 'T')])
                .arg(format!("{}::{}", path.display(), p.name))
                .arg("."))?;
        }
    }

    let tz = TIMEZONE;
    let listed = run(borg(tz)
        .args(["list", "--json", "--consider-checkpoints"])
        .arg(&p_repo))?;
    let info = run(borg(tz)
        .args(["info", "--json", "--glob-archives", "customer-files-*"])
        .arg(&o_repo))?;

    let mut exports = Vec::new();
    for (r, path, raw) in [(primary, &p_repo, listed), (offsite, &o_repo, info)] {
        let text = raw
            .replace(&path.to_string_lossy().into_owned(), r.location)
            .replace(&data.to_string_lossy().into_owned(), FILES_DATA)
            .replace(&home.to_string_lossy().into_owned(), BORG_HOME);
        let text = set_values(&text, "hostname", BORG_HOST)?;
        let naive: Vec<String> = r
            .points
            .iter()
            .map(|p| naive_melbourne(p.started))
            .collect();
        expect_same(
            r.file,
            "archive starts",
            values(&text, "start")?,
            naive.clone(),
        )?;
        if r.tool == Tool::BorgInfo {
            // SPEC §7 takes borg info's `end` as the finish: it must be the planned one.
            expect_same(r.file, "archive ends", values(&text, "end")?, naive)?;
        }
        let names = r.points.iter().map(|p| p.name.clone()).collect();
        expect_same(r.file, "archive names", values(&text, "name")?, names)?;
        if !values(&text, "mode")?.iter().any(|m| m == "repokey") {
            return Err(format!(
                "{}: the repository is not encrypted with repokey",
                r.file
            ));
        }
        exports.push(Export {
            file: r.file,
            entries: r.points.len(),
            text,
        });
    }
    Ok(exports)
}

/// Make the native backup evidence under `out`; (path, bytes, entries) per file.
pub fn write(plan: &Backups, out: &Path) -> Result<Vec<(PathBuf, usize, usize)>, String> {
    let scratch = Scratch::new()?;
    let (restic_files, borg_files) = std::thread::scope(|s| {
        let r = s.spawn(|| restic(plan, &scratch));
        let b = s.spawn(|| borg(plan, &scratch));
        (
            r.join()
                .unwrap_or_else(|_| Err("the restic run panicked".into())),
            b.join()
                .unwrap_or_else(|_| Err("the borg run panicked".into())),
        )
    });
    let exports: Vec<Export> = restic_files?.into_iter().chain(borg_files?).collect();

    let scratch_text = scratch.0.to_string_lossy().into_owned();
    let dir = out.join(DIR);
    fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for e in exports {
        if e.text.contains(&scratch_text) {
            return Err(format!(
                "{}: a throwaway path is still in the output",
                e.file
            ));
        }
        let mut text = e.text;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let path = dir.join(e.file);
        fs::write(&path, &text).map_err(|err| format!("writing {}: {err}", path.display()))?;
        written.push((path, text.len(), e.entries));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_edits_json_strings() {
        let compact = r#"[{"time":"2026-10-01T04:00:00Z","hostname":"x"},{"time":"b"}]"#;
        assert_eq!(
            values(compact, "time").unwrap(),
            ["2026-10-01T04:00:00Z", "b"]
        );
        let pretty = "{\n    \"hostname\": \"vm\",\n    \"start\": \"2026\"\n}";
        assert_eq!(values(pretty, "hostname").unwrap(), ["vm"]);
        assert_eq!(
            set_values(pretty, "hostname", "files-01").unwrap(),
            "{\n    \"hostname\": \"files-01\",\n    \"start\": \"2026\"\n}"
        );
        // Non-string values are skipped.
        assert!(values("{\"end\": 3}", "end").unwrap().is_empty());
        // Nested keys, and several documents in a row (`restic backup --json`).
        let printed = "{\"message_type\":\"status\"}\n{\"snapshot_id\":\"ab12\"}\n";
        assert_eq!(values(printed, "snapshot_id").unwrap(), ["ab12"]);
        let info = r#"{"encryption":{"mode":"repokey"}}"#;
        assert_eq!(values(info, "mode").unwrap(), ["repokey"]);
        assert!(values("not json", "mode").is_err());
    }

    #[test]
    fn tool_times_are_utc() {
        let t = crate::time::utc(2026, 10, 17, 4, 0);
        assert_eq!(tool_time(t, ' '), "2026-10-17 04:00:00");
        assert_eq!(tool_time(t, 'T'), "2026-10-17T04:00:00");
    }
}
