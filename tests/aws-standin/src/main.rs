//! `terraform-provider-aws`, a stand-in for `registry.terraform.io/hashicorp/aws` in the tests.
//!
//! No Terraform registry is reachable where the tests run, yet `rdsca check` must be tested on
//! the plan and state JSON a real Terraform writes for real AWS resources. This plugin speaks the
//! same plugin protocol, with the real provider's names for the four RDS resources that carry a
//! certificate authority (`aws_db_instance`, `aws_rds_cluster`, `aws_rds_cluster_instance`,
//! `aws_rds_certificate`) and the real shapes of their computed values (ARNs, endpoints).
//!
//! It talks to no AWS, opens no network connection and writes no file: "creating" a resource only
//! computes its attributes. It must not depend on the rdsca provider or its Region table: the
//! stand-in plays AWS, so its partition rules are its own, and the tests compare the two.

mod naming;
mod provider;
mod resources;

use std::process::ExitCode;

use provider::AwsProvider;

/// go-plugin's handshake cookie for Terraform providers.
const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

fn main() -> ExitCode {
    // tf-provider attaches a captured backtrace to every diagnostic when backtraces are enabled.
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
    if std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        eprintln!(
            "terraform-provider-aws (rdsca test stand-in): a Terraform plugin for the rdsca tests, \
             installed as hashicorp/aws in a filesystem mirror. Terraform starts it; it is not \
             meant to be run directly, and it talks to no AWS."
        );
        return ExitCode::from(1);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-aws (stand-in): cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(tf_provider::serve("aws", AwsProvider::default())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("terraform-provider-aws (stand-in): {e:#}");
            ExitCode::FAILURE
        }
    }
}
