//! Provider logs reach Terraform's log under TF_LOG_PROVIDER, and never carry bundle content.

use rdsca_e2e::{fixture, local_server_provider, required_providers, Workdir};
use rdsca_test_server::{Route, TestServer};

#[test]
fn provider_logs_show_under_tf_log_provider_without_bundle_content() {
    let server = TestServer::start();
    let pem = fixture("ap-south-1-bundle.pem");
    server.route("/ap-south-1/ap-south-1-bundle.pem", Route::ok(pem.clone()));
    let cache = tempfile::tempdir().unwrap();
    let mut w = Workdir::raw("");
    let provider = local_server_provider(&w, &server, cache.path());
    w.write(
        "main.tf",
        &format!(
            "{}{provider}data \"rdsca_bundle\" \"m\" {{\n  content_source = \"download\"\n  region = \"ap-south-1\"\n}}\n",
            required_providers()
        ),
    );
    w.init();
    w.extra_env.push(("TF_LOG_PROVIDER".into(), "trace".into()));
    let run = w.plan().ok();
    // go-plugin parsed our hclog lines: they appear as the provider's own log entries.
    assert!(
        run.stderr.contains("provider.terraform-provider-rdsca_v"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("bundle fetched"), "{}", run.stderr);
    assert!(run.stderr.contains("bundle ready"), "{}", run.stderr);
    assert!(run
        .stderr
        .contains(&server.url("/ap-south-1/ap-south-1-bundle.pem")));
    // Not a line of the bundle: no PEM armour, no base64 body line.
    let text = String::from_utf8(pem).unwrap();
    assert!(!run.stderr.contains("BEGIN CERTIFICATE"));
    for line in text.lines().filter(|l| l.len() == 64) {
        assert!(
            !run.stderr.contains(line),
            "log holds bundle content: {line}"
        );
    }
}
