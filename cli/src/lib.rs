//! `rdsca`, the command line: checks the RDS CA choices in Terraform plans and states
//! (`check`) and prints the Region table (`regions`). One module per subcommand; `finding` is
//! the report model the checking subcommands share and `report` renders it; `terraform` reads
//! what Terraform writes. The table, its "did you mean" and the CA messages come from
//! `rdsca-table` (with `selection`), trust material from `rdsca-trust`, the RDS API from
//! `rdsca-aws`; nothing here may use Terraform's plugin protocol (`tf-provider`).

pub mod check;
pub mod finding;
pub mod regions;
pub mod report;
pub mod terraform;

use std::fmt;
use std::io::Write;

use clap::{Parser, Subcommand};

/// Exit statuses, the same for every subcommand.
pub mod exit {
    /// Done; no finding at or above `--fail-on`.
    pub const OK: u8 = 0;
    /// Bad input: an unreadable file, not JSON, not a plan or state, an unsupported format
    /// version, a bad argument.
    pub const BAD_INPUT: u8 = 1;
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: u8 = 2;
}

const EXAMPLES: &str = "\
Examples:
  rdsca check plan.json                 # the CA choices of a plan (`terraform show -json PLANFILE`)
  rdsca regions --format markdown       # the Region table

Exit status: 0 success, 1 bad input, 2 findings at or above --fail-on (check).";

/// The SSL/TLS certificate authorities of Amazon RDS and Aurora: check Terraform plans and
/// states, list the Regions.
#[derive(Debug, Parser)]
#[command(name = "rdsca", version, about, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the RDS CA choices in Terraform plans and states.
    Check(check::CheckArgs),
    /// Print the Region table: each Region's bundles and the CAs RDS offers there.
    Regions(regions::RegionsArgs),
}

/// How a run that did its work ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    /// Findings at or above `--fail-on`.
    Findings,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => exit::OK,
            Outcome::Findings => exit::FINDINGS,
        }
    }
}

/// Why a run could not do its work (exit 1).
#[derive(Debug)]
pub enum CliError {
    Input(terraform::InputError),
    Usage(String),
    Output(std::io::Error),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(e) => e.fmt(f),
            CliError::Usage(m) => f.write_str(m),
            CliError::Output(e) => write!(f, "cannot write the output: {e}"),
        }
    }
}

impl std::error::Error for CliError {}

/// Runs a parsed command line, writing its output to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<Outcome, CliError> {
    match &cli.command {
        Command::Check(args) => check::run(args, out),
        Command::Regions(args) => regions::run(args, out),
    }
}
