//! The arguments of SPEC §2, with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "auditpack",
    version,
    about = "Turns operational evidence into signed ISO/IEC 27001:2022 evidence packs"
)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail (every finding, every file).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Assess one period and write the evidence pack.
    Report(ReportArgs),
    /// Assess one period for CI: exit 1 when a check fails.
    Check(CheckArgs),
    /// Verify a pack's manifest and signatures.
    Verify(VerifyArgs),
    /// Create signing keys for packs.
    Keygen(KeygenArgs),
    /// Show the control catalogue and the Statement of Applicability.
    Controls(ControlsArgs),
    /// Show what each declared input resolves to.
    Inputs(ConfigArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The configuration file.
    #[arg(long, default_value = "auditpack.toml")]
    pub config: PathBuf,
}

#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// A calendar month in the organisation's time zone (default: the last full month).
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// First day (YYYY-MM-DD, local) or instant (RFC 3339) of an explicit range.
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, included) or end instant (RFC 3339, excluded).
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(long, default_value = "auditpack.toml")]
    pub config: PathBuf,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// The report template: monthly or due-diligence.
    #[arg(long, default_value = "monthly")]
    pub template: String,
    /// Scope the pack to one tenant (due diligence).
    #[arg(long)]
    pub tenant: Option<String>,
    /// The pack directory (default: packs/<template>-<period>[-<tenant>]).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[arg(long, default_value = "auditpack.toml")]
    pub config: PathBuf,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Write a JUnit report here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write summary.json here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Treat not_evaluated rows as failing.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct ControlsArgs {
    #[arg(long, default_value = "auditpack.toml")]
    pub config: PathBuf,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// The side the Statement of Applicability is seen from: the Annex A controls, or
    /// the SOC 2 Trust Services Criteria through the built-in crosswalk.
    #[arg(long, value_enum, default_value = "iso27001")]
    pub framework: Framework,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Framework {
    Iso27001,
    Soc2,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The pack directory.
    pub pack: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
    #[arg(long, value_name = "CERT")]
    pub ca: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value = "auditpack")]
    pub identity: String,
}
