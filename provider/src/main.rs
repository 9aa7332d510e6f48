//! The plugin binary. Terraform starts it with the go-plugin magic cookie in the environment;
//! run by hand, it explains itself instead of opening a port.

use std::process::ExitCode;

use rdsca::provider::{RdsCaProvider, NAME};

/// go-plugin's handshake cookie for Terraform providers.
const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn main() -> ExitCode {
    // tf-provider attaches a captured backtrace to every diagnostic when backtraces are enabled;
    // users must see our messages, not stack frames. Panics still honour RUST_BACKTRACE.
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args
        .iter()
        .any(|a| a == "--version" || a == "-v" || a == "version")
    {
        println!("terraform-provider-rdsca {VERSION} (plugin protocol 6)");
        return ExitCode::SUCCESS;
    }
    if std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        eprintln!(
            "terraform-provider-rdsca {VERSION}: the Terraform provider for Amazon RDS / Aurora certificate authorities.\n\n\
             This is a Terraform plugin: Terraform starts it, it is not meant to be run directly.\n\
             Declare it in a configuration and run `terraform init`:\n\n  \
             terraform {{\n    required_providers {{\n      rdsca = {{ source = \"rdsca/rdsca\" }}\n    }}\n  }}\n\n\
             Options: --version  print the version and exit."
        );
        return ExitCode::from(1);
    }
    rdsca::logging::init();
    // tf-provider installs its own global logger when PLUGIN_LOG_FILE is set, which would clash
    // with ours; our logs reach Terraform's log instead.
    std::env::remove_var("PLUGIN_LOG_FILE");
    tracing::debug!(version = VERSION, "starting terraform-provider-rdsca");
    if let Err(e) = rdsca::socket_tuning::install() {
        tracing::warn!(error = %e, "cannot relay stdout; RPCs will be slower (Nagle's algorithm stays on)");
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-rdsca: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(tf_provider::serve(NAME, RdsCaProvider::default())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("terraform-provider-rdsca: {e:#}");
            ExitCode::FAILURE
        }
    }
}
