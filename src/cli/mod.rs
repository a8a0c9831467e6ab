//! The command line: arguments, progress bars, printing, and the one place that turns
//! an outcome into an exit code (0 success, 1 failing check or verify problem, 2 the run
//! could not be done). The only module that writes to stdout or stderr.

mod args;
mod print;
mod progress;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use crate::config::Config;
use crate::error::Error;
use crate::model::Status;
use crate::period::generated_at;
use crate::run::{PeriodChoice, RunOptions};
use args::{Cli, Command, PeriodArgs};
use progress::Progress;

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match execute(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            // Errors are printed even with --quiet: they are the only output then.
            eprintln!("auditpack: error: {error}");
            ExitCode::from(2)
        }
    }
}

fn execute(cli: Cli) -> Result<u8, Error> {
    // A stopped run removes its temporary files and exits 2 (SPEC §18).
    crate::cleanup::on_signals().map_err(|source| Error::Io {
        path: std::path::PathBuf::from("(signals)"),
        action: "install the signal handlers",
        source,
    })?;
    let show_progress = !cli.quiet && std::io::stderr().is_terminal();
    let progress = Progress::new(show_progress, cli.verbose);
    let source_date_epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let options = |period: &PeriodArgs,
                   template: String,
                   tenant: Option<String>|
     -> Result<RunOptions, Error> {
        Ok(RunOptions {
            period: period_choice(period),
            template,
            tenant,
            generated_at: generated_at(source_date_epoch.as_deref())?,
        })
    };
    match cli.command {
        Command::Report(args) => {
            let config = load_config(&args.config)?;
            let options = options(&args.period, args.template, args.tenant)?;
            let outcome = crate::report(&config, &options, args.out.as_deref(), &progress)?;
            progress.clear();
            print::warnings(&outcome.warnings, cli.quiet);
            if !cli.quiet {
                print::report(&outcome, cli.verbose);
            }
            Ok(0)
        }
        Command::Check(args) => {
            let config = load_config(&args.config)?;
            let options = options(&args.period, "monthly".to_string(), None)?;
            let (assessment, warnings) = crate::check(
                &config,
                &options,
                args.junit.as_deref(),
                args.json.as_deref(),
                &progress,
            )?;
            progress.clear();
            print::warnings(&warnings, cli.quiet);
            if !cli.quiet {
                print::check(&assessment, args.strict, cli.verbose);
            }
            // The model's verdict decides the exit code; nothing is recomputed here.
            Ok(match assessment.check_verdict(args.strict) {
                Status::Fail => 1,
                _ => 0,
            })
        }
        Command::Controls(args) => {
            let config = load_config(&args.config)?;
            let options = options(&args.period, "monthly".to_string(), None)?;
            let (catalog, assessment) = crate::controls(&config, &options, &progress)?;
            progress.clear();
            match args.framework {
                args::Framework::Iso27001 => print::controls(&assessment),
                args::Framework::Soc2 => print::criteria(
                    &crate::model::roll_up_criteria(&catalog.soc2, &assessment.controls),
                    &assessment.period.label,
                ),
            }
            Ok(0)
        }
        Command::Inputs(args) => {
            let config = load_config(&args.config)?;
            let report = crate::inputs(&config, &progress)?;
            progress.clear();
            print::warnings(&report.warnings, cli.quiet);
            print::inputs(&report, cli.verbose);
            Ok(0)
        }
        Command::Verify(args) => {
            let options = crate::pack::verify::VerifyOptions {
                allowed_signers: args.allowed_signers,
                ca: args.ca,
            };
            let report = crate::verify(&args.pack, &options)?;
            print::verify(&report, cli.quiet);
            Ok(if report.ok() { 0 } else { 1 })
        }
        Command::Keygen(args) => {
            let now = generated_at(source_date_epoch.as_deref())?;
            let outcome = crate::keygen(&args.out, &args.identity, now)?;
            if !cli.quiet {
                print::keygen(&outcome, &args.out);
            }
            Ok(0)
        }
    }
}

fn load_config(path: &Path) -> Result<Config, Error> {
    Config::load(path)
}

fn period_choice(args: &PeriodArgs) -> PeriodChoice {
    match (&args.period, &args.from, &args.to) {
        (Some(month), _, _) => PeriodChoice::Month(month.clone()),
        (None, Some(from), Some(to)) => PeriodChoice::Range {
            from: from.clone(),
            to: to.clone(),
        },
        _ => PeriodChoice::PreviousMonth,
    }
}
