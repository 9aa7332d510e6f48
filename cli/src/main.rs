//! The `rdsca` binary: parses the command line, runs it, maps the outcome to the exit status
//! (0 clean, 1 bad input, 2 findings). Everything else is in the library.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use rdsca_cli::{exit, run, Cli};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap exits 2 for usage errors; here 2 means findings, so a bad argument is 1.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::BAD_INPUT
            } else {
                exit::OK
            });
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = run(&cli, &mut out);
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(outcome), Ok(())) => ExitCode::from(outcome.exit_code()),
        (Err(e), _) => {
            eprintln!("rdsca: {e}");
            ExitCode::from(exit::BAD_INPUT)
        }
        (Ok(_), Err(e)) => {
            eprintln!("rdsca: cannot write the output: {e}");
            ExitCode::from(exit::BAD_INPUT)
        }
    }
}
