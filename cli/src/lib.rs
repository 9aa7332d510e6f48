//! `rdsca`, the command line: checks the RDS CA choices in Terraform plans and states
//! (`check`), writes trust material (`bundle`), checks bundle files (`verify`), prints the
//! Region table (`regions`) and audits the databases of an account (`audit`). One module per subcommand; `finding` is
//! the report model the checking subcommands share and `report` renders it; `terraform` reads
//! what Terraform writes. The table, its "did you mean" and the CA messages come from
//! `rdsca-table` (with `selection`), trust material from `rdsca-trust`, the RDS API from
//! `rdsca-aws`; nothing here may use Terraform's plugin protocol (`tf-provider`).

pub mod audit;
pub mod bundle;
pub mod check;
pub mod finding;
pub mod regions;
pub mod report;
pub mod terraform;
pub mod verify;

use std::fmt;
use std::io::Write;

use clap::{Parser, Subcommand};

/// Exit statuses, the same for every subcommand.
pub mod exit {
    /// Done; no finding at or above `--fail-on`.
    pub const OK: u8 = 0;
    /// Bad input: an unreadable file, not JSON, not a plan or state, not a bundle, an
    /// unsupported format version, a bad argument, a failed download.
    pub const BAD_INPUT: u8 = 1;
    /// Findings at or above `--fail-on` (check); a certificate that fails (verify).
    pub const FINDINGS: u8 = 2;
}

const EXAMPLES: &str = "\
Examples:
  rdsca check plan.json                 # the CA choices of a plan (`terraform show -json PLANFILE`)
  rdsca bundle --region eu-west-1 > rds.pem   # the root a database client in eu-west-1 trusts
  rdsca verify global-bundle.pem        # every certificate of a bundle file, checked
  rdsca regions --format markdown       # the Region table
  rdsca audit --region eu-west-1        # every database's CA and certificate deadline (RDS API)

Exit status: 0 success, 1 bad input, 2 findings at or above --fail-on (check, audit) or a certificate
that fails (verify).";

/// The SSL/TLS certificate authorities of Amazon RDS and Aurora: check Terraform plans and
/// states, write and verify trust material, list the Regions.
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
    /// Write RDS trust material (PEM, PKCS#7, a Java trust store) from the compiled-in certificates or a verified download.
    Bundle(bundle::BundleArgs),
    /// Check bundle files certificate by certificate, as the provider verifies downloads.
    Verify(verify::VerifyArgs),
    /// Print the Region table: each Region's bundles and the CAs RDS offers there.
    Regions(regions::RegionsArgs),
    /// Audit the CA and server certificate of every RDS database in some Regions (the RDS API).
    Audit(audit::AuditArgs),
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
    /// Input that cannot be used, in words naming it: a bundle file, a password, a download.
    BadInput(String),
    Output(std::io::Error),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(e) => e.fmt(f),
            CliError::Usage(m) | CliError::BadInput(m) => f.write_str(m),
            CliError::Output(e) => write!(f, "cannot write the output: {e}"),
        }
    }
}

impl std::error::Error for CliError {}

/// Runs a parsed command line, writing its output to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<Outcome, CliError> {
    match &cli.command {
        Command::Check(args) => check::run(args, out),
        Command::Bundle(args) => bundle::run(args, out),
        Command::Verify(args) => verify::run(args, out),
        Command::Regions(args) => regions::run(args, out),
        Command::Audit(args) => audit::run(args, out),
    }
}
