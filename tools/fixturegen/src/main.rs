//! `auditpack-fixturegen`: seeded, deterministic fixtures for auditpack.
//!
//! ```text
//! auditpack-fixturegen demo --out DIR [--seed N]
//! auditpack-fixturegen demo-backups --out DIR
//! auditpack-fixturegen bench --out DIR [--seed N] [--audit-events N] [--probe-months N] [--audit-months N]
//! ```
//!
//! `demo` writes the demo organisation (Southern Cross Hosting Pty Ltd, October
//! 2026): config, probe (a month, and a sparse year of history), utilization and
//! maintenance evidence, canonical backup and restore test evidence, audit logs, leavers and alerts, attestations and waivers, and a README stating what a correct tool must conclude. The
//! same seed always yields byte-identical files.
//!
//! `demo-backups` adds the native backup evidence (`evidence/backups/*.json`) by
//! running the real restic and borg on throwaway repositories. Those files are
//! not byte-reproducible (the tools pick random ids); their times are, and are
//! checked against the plan on every run.
//!
//! `bench` writes the SPEC §13 benchmark workload (see `bench.rs`), streamed.
//!
//! This file parses the arguments (clap), runs one command and checks that the
//! scenario still concludes what the README promises; it prints, the modules
//! below it only return what they wrote. Bad arguments exit 2, a failed run 1.

mod access;
mod audit_log;
mod backups;
mod bench;
mod config_toml;
mod controls;
mod demo;
mod history;
mod org;
mod prng;
mod readme;
mod reference;
mod second_wave;
mod snapshots;
mod time;
mod utilization;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The default seed: a nod to ISO/IEC 27001.
const DEFAULT_SEED: u64 = 27_001;

/// Seeded, deterministic fixtures for auditpack.
#[derive(Debug, Parser)]
#[command(
    name = "auditpack-fixturegen",
    override_usage = "auditpack-fixturegen demo --out DIR [--seed N]
       auditpack-fixturegen demo-backups --out DIR
       auditpack-fixturegen bench --out DIR [--seed N] [--audit-events N] [--probe-months N] [--audit-months N]"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq, Subcommand)]
enum Command {
    /// Write the demo organisation (config, evidence, README) into DIR
    Demo {
        /// Output directory (created if missing; existing files are overwritten)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Seed for jitter, latencies and isolated failures
        #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
    /// Write the demo's restic and borg evidence (evidence/backups/*.json) into
    /// DIR, made by the real tools (needs restic and borg)
    DemoBackups {
        /// Output directory (created if missing; existing files are overwritten)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Write the SPEC §13 benchmark workload (October 2026, UTC) into DIR
    Bench {
        /// Output directory (created if missing; existing files are overwritten)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Seed of the workload
        #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Audit events (10000000 is about 2 GB; `_` separators allowed)
        #[arg(long, value_name = "N", default_value_t = bench::DEFAULT_AUDIT_EVENTS,
              value_parser = underscored_u64)]
        audit_events: u64,
        /// Months of probes, the period's included (12: a year, about 32 M rows)
        #[arg(long, value_name = "N", default_value_t = bench::DEFAULT_PROBE_MONTHS)]
        probe_months: u32,
        /// Months of audit log, the period's included (12: a year, SPEC §19; the months
        /// before the period are background that leaves its figures as they are)
        #[arg(long, value_name = "N", default_value_t = 1)]
        audit_months: u32,
    },
}

/// An unsigned integer that may be written with `_` separators (`10_000_000`).
fn underscored_u64(text: &str) -> Result<u64, String> {
    text.replace('_', "")
        .parse()
        .map_err(|_| format!("expected an unsigned integer, got `{text}`"))
}

/// The conclusions the scenario is built to produce, whatever the seed. Checked
/// on every run so that an edit to the scenario cannot silently change what
/// the README promises.
const INTENT: [(&str, &str, &str); 4] = [
    ("payroll-api", "FAIL", "PASS"),
    ("payroll-web", "PASS", "PASS"),
    ("jobs-api", "FAIL", "PASS"),
    ("customer-portal", "PASS", "PASS"),
];

/// The backup conclusions the scenario is built to produce, per source, in the
/// order of `backups::CHECKS` (rpo, offsite, encryption, retention, restore_test).
const BACKUP_INTENT: [(&str, [&str; 5]); 3] = [
    ("payroll-db", ["FAIL", "PASS", "PASS", "PASS", "PASS"]),
    ("customer-files", ["PASS", "PASS", "PASS", "PASS", "FAIL"]),
    ("ledger-db", ["PASS", "PASS", "PASS", "PASS", "FAIL"]),
];

/// The access, logging and monitoring conclusions the scenario is built to
/// produce: these (check, subject) rows with these verdicts, and every other
/// row passing.
const ACCESS_INTENT: [(&str, &str, &str); 14] = [
    ("access.mfa", "r.patel", "FAIL"),
    ("access.leaver_login", "l.moreau", "FAIL"),
    ("access.leaver_login", "k.brennan", "FAIL"),
    ("access.leaver_login", "d.osei", "PASS"),
    ("access.leaver_deactivation", "l.moreau", "FAIL"),
    ("access.leaver_deactivation", "d.osei", "PASS"),
    (
        "access.shared_credential_rotation",
        "support-break-glass",
        "PASS",
    ),
    ("access.shared_credential_rotation", "db-superuser", "FAIL"),
    ("access.support_ticket", "coastal-care", "FAIL"),
    (
        "logging.integrity",
        "evidence/audit/admin-console.ndjson",
        "FAIL",
    ),
    ("logging.integrity", "evidence/audit/app.ndjson", "PASS"),
    ("logging.gaps", "evidence/audit/app.ndjson", "FAIL"),
    ("monitoring.alert_resolution", "files-01", "FAIL"),
    ("monitoring.alert_resolution", "customer-portal", "FAIL"),
];

fn check_access_intent(findings: &[access::Finding]) -> Result<(), String> {
    for (check, subject, want) in ACCESS_INTENT {
        let f = findings
            .iter()
            .find(|f| f.check == check && f.subject == subject)
            .ok_or_else(|| format!("scenario lost the {check} row of {subject}"))?;
        if f.verdict() != want {
            return Err(format!(
                "scenario no longer does what it is for: {check} {subject} gives {} ({}), \
                 intended {want}",
                f.verdict(),
                f.measured.text()
            ));
        }
    }
    let planted = |f: &access::Finding| {
        ACCESS_INTENT
            .iter()
            .any(|(c, s, _)| *c == f.check && *s == f.subject)
    };
    if let Some(f) = findings.iter().find(|f| !f.pass && !planted(f)) {
        return Err(format!(
            "the noise changed a conclusion: {} {} fails ({})",
            f.check, f.subject, f.detail
        ));
    }
    Ok(())
}

fn check_backup_intent(figures: &[backups::Figures]) -> Result<(), String> {
    if figures.len() != BACKUP_INTENT.len() {
        return Err(format!(
            "scenario has {} backup sources, intended {}",
            figures.len(),
            BACKUP_INTENT.len()
        ));
    }
    for (source, want) in BACKUP_INTENT {
        let f = figures
            .iter()
            .find(|f| f.source == source)
            .ok_or_else(|| format!("scenario lost backup source {source}"))?;
        let got = f.verdicts();
        if got != want {
            return Err(format!(
                "scenario no longer does what it is for: {source} gives {got:?} for {:?}, intended {want:?}",
                backups::CHECKS
            ));
        }
    }
    Ok(())
}

fn run_demo_backups(out: PathBuf) -> Result<(), String> {
    let plan = backups::plan();
    check_backup_intent(&backups::assess(&plan))?;
    for (path, bytes, entries) in backups::real::write(&plan, &out)? {
        println!(
            "  wrote {} ({entries} entries, {bytes} bytes)",
            path.display()
        );
    }
    Ok(())
}

fn run_bench(
    out: PathBuf,
    seed: u64,
    audit_events: u64,
    probe_months: u32,
    audit_months: u32,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let summary = bench::write(&out, seed, audit_events, probe_months, audit_months)
        .map_err(|e| format!("writing {}: {e}", out.display()))?;
    let total: u64 = summary.files.iter().map(|f| f.2).sum();
    for (path, rows, bytes) in &summary.files {
        println!("  wrote {} ({rows} rows, {bytes} bytes)", path.display());
    }
    print!("{}", summary.expected);
    println!(
        "{} files, {:.2} GB in {:.1} s",
        summary.files.len(),
        total as f64 / 1e9,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run_demo(out: PathBuf, seed: u64) -> Result<(), String> {
    let scenario = demo::Demo::new(seed);
    let io_err = |e: std::io::Error| format!("writing {}: {e}", out.display());
    let mut output = demo::write(&scenario, &out).map_err(io_err)?;
    let readme_path = out.join("README.md");
    std::fs::write(&readme_path, readme::render(&scenario, &output)).map_err(io_err)?;
    output.files.push(readme_path);

    print!("{}", readme::summary(&scenario, &output));
    for path in &output.files {
        println!("  wrote {}", path.display());
    }
    for (service, want_a, want_c) in INTENT {
        let r = output
            .services
            .iter()
            .find(|r| r.service == service)
            .ok_or_else(|| format!("scenario lost service {service}"))?;
        let got = readme::conclusions(&r.exact);
        if got != (want_a, want_c) {
            return Err(format!(
                "scenario no longer does what it is for: {service} gives availability {} / \
                 coverage {}, intended {want_a} / {want_c}",
                got.0, got.1
            ));
        }
    }
    check_backup_intent(&output.backups)?;
    check_access_intent(&output.access)?;
    second_wave::check_intent(&second_wave::expected(&scenario, &output))?;
    check_controls_intent()
}

/// The states the demo's waivers and attestations are chosen to show at the period
/// end: one waiver of each state, in file order, and exactly one stale attestation.
const WAIVER_INTENT: [&str; 3] = ["expiring", "active", "expired"];
const STALE_ATTESTATION: &str = "6.3";

fn check_controls_intent() -> Result<(), String> {
    let states: Vec<&str> = controls::waivers().iter().map(|w| w.state()).collect();
    if states != WAIVER_INTENT {
        return Err(format!(
            "scenario no longer does what it is for: waivers are {states:?}, intended {WAIVER_INTENT:?}"
        ));
    }
    let stale: Vec<&str> = controls::attestations()
        .iter()
        .filter(|a| a.state() == "stale")
        .map(|a| a.control)
        .collect();
    if stale != [STALE_ATTESTATION] {
        return Err(format!(
            "scenario no longer does what it is for: stale attestations {stale:?}, intended [{STALE_ATTESTATION}]"
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Demo { out, seed } => run_demo(out, seed),
        Command::DemoBackups { out } => run_demo_backups(out),
        Command::Bench {
            out,
            seed,
            audit_events,
            probe_months,
            audit_months,
        } => run_bench(out, seed, audit_events, probe_months, audit_months),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> Result<Command, String> {
        let argv = std::iter::once("auditpack-fixturegen").chain(args.split_whitespace());
        Cli::try_parse_from(argv)
            .map(|cli| cli.command)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_demo() {
        assert_eq!(
            parse("demo --out x --seed 7"),
            Ok(Command::Demo {
                out: PathBuf::from("x"),
                seed: 7
            })
        );
        assert_eq!(
            parse("demo --out=x"),
            Ok(Command::Demo {
                out: PathBuf::from("x"),
                seed: DEFAULT_SEED
            })
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse("demo").is_err());
        assert!(parse("demo --out").is_err());
        assert!(parse("demo --out x --seed -1").is_err());
        assert!(parse("demo --out x --frob").is_err());
        assert!(parse("bench").is_err());
        assert!(parse("bench --out x --audit-events lots").is_err());
        assert!(parse("demo --out x --audit-events 5").is_err());
        assert!(parse("demo-backups").is_err());
        assert!(parse("demo-backups --out x --seed 3").is_err());
    }

    #[test]
    fn backup_intent_holds_and_is_checked() {
        let mut figures = backups::assess(&backups::plan());
        assert_eq!(check_backup_intent(&figures), Ok(()));
        // An edit that closes payroll-db's 8 h gap must be caught.
        figures[0].rpo.to = figures[0].rpo.from + 4 * 3_600;
        assert!(check_backup_intent(&figures).is_err());
    }

    #[test]
    fn access_intent_holds_for_several_seeds() {
        for seed in [DEFAULT_SEED, 1, 2, 3, 99] {
            let findings = access::assess(&access::Access::new(seed));
            assert_eq!(check_access_intent(&findings), Ok(()), "seed {seed}");
        }
        let mut findings = access::assess(&access::Access::new(DEFAULT_SEED));
        let f = findings
            .iter_mut()
            .find(|f| f.check == "access.mfa" && f.subject == "j.chen")
            .expect("j.chen logs in");
        f.pass = false;
        assert!(check_access_intent(&findings).is_err());
    }

    #[test]
    fn parses_bench() {
        assert_eq!(
            parse("bench --out b --audit-events 1_000_000 --probe-months 1"),
            Ok(Command::Bench {
                out: PathBuf::from("b"),
                seed: DEFAULT_SEED,
                audit_events: 1_000_000,
                probe_months: 1,
                audit_months: 1
            })
        );
        assert_eq!(
            parse("bench --out=b --seed 3"),
            Ok(Command::Bench {
                out: PathBuf::from("b"),
                seed: 3,
                audit_events: bench::DEFAULT_AUDIT_EVENTS,
                probe_months: bench::DEFAULT_PROBE_MONTHS,
                audit_months: 1
            })
        );
    }

    #[test]
    fn parses_demo_backups() {
        assert_eq!(
            parse("demo-backups --out=x"),
            Ok(Command::DemoBackups {
                out: PathBuf::from("x")
            })
        );
    }
}
