//! The plugin binary and its schema as Terraform sees them.

use std::process::Command;
use std::time::{Duration, Instant};

use rdsca_e2e::{provider_binary, version, Workdir};

#[test]
fn run_by_hand_it_explains_itself_and_exits_without_listening() {
    let start = Instant::now();
    let out = Command::new(provider_binary())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no handshake line may be printed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("This is a Terraform plugin"), "{stderr}");
    assert!(stderr.contains("source = \"rdsca/rdsca\""), "{stderr}");

    let out = Command::new(provider_binary())
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "terraform-provider-rdsca {} (plugin protocol 6)\n",
            version()
        )
    );
}

#[test]
fn the_schema_documents_everything() {
    let w = Workdir::with_provider("data \"rdsca_regions\" \"x\" {}\n");
    w.init();
    let run = w.run(&["providers", "schema", "-json"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let schema = &doc["provider_schemas"]["registry.terraform.io/rdsca/rdsca"];
    assert!(schema["provider"]["block"]["description"]
        .as_str()
        .unwrap()
        .contains("Amazon RDS"));
    assert_eq!(schema["provider"]["block"]["description_kind"], "markdown");
    let data_sources = schema["data_source_schemas"].as_object().unwrap();
    let mut names: Vec<&String> = data_sources.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "rdsca_bundle",
            "rdsca_certificate_authorities",
            "rdsca_databases",
            "rdsca_engine_ca",
            "rdsca_regions"
        ]
    );
    for (name, ds) in data_sources {
        assert!(
            !ds["block"]["description"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{name} has no description"
        );
        for (attr, a) in ds["block"]["attributes"].as_object().unwrap() {
            assert!(
                a["description"].as_str().is_some_and(|d| d.len() > 10),
                "{name}.{attr} has no description"
            );
        }
    }
    for (attr, a) in schema["provider"]["block"]["attributes"]
        .as_object()
        .into_iter()
        .flatten()
    {
        assert!(
            a["description"].as_str().is_some_and(|d| d.len() > 10),
            "provider.{attr} has no description"
        );
    }
    let functions = schema["functions"].as_object().unwrap();
    let mut fnames: Vec<&String> = functions.keys().collect();
    fnames.sort();
    assert_eq!(
        fnames,
        [
            "bundle_url",
            "ca_availability",
            "ca_available",
            "validate_ca"
        ]
    );
    for (name, f) in functions {
        assert!(
            !f["summary"].as_str().unwrap_or_default().is_empty(),
            "{name} has no summary"
        );
        assert!(
            !f["description"].as_str().unwrap_or_default().is_empty(),
            "{name} has no description"
        );
        for p in f["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .chain(f.get("variadic_parameter"))
        {
            assert!(
                p["description"].as_str().is_some_and(|d| d.len() > 10),
                "{name}({}) has no description",
                p["name"]
            );
        }
    }
}
