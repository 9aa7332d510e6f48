//! The release command's artifacts: zip contents, checksums, manifest, and a `terraform init`
//! from a filesystem mirror holding just the zip (Terraform's packed layout).

use std::io::Read;
use std::process::Command;

use rdsca_e2e::{
    provider_binary, required_providers, version, workspace, write_cli_config, Workdir,
};

fn sha256_hex(bytes: &[u8]) -> String {
    let out = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    out.stdin.as_ref().unwrap().write_all(bytes).unwrap();
    let out = out.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn release_artifacts_install_through_terraform_init() {
    let v = version();
    let dist = tempfile::tempdir().unwrap();
    let run = Command::new("bash")
        .arg(workspace().join("scripts/release.sh"))
        .args([
            "--binary",
            provider_binary().to_str().unwrap(),
            "--out",
            dist.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );

    let zip_name = format!("terraform-provider-rdsca_{v}_linux_amd64.zip");
    let sums_name = format!("terraform-provider-rdsca_{v}_SHA256SUMS");
    let manifest_name = format!("terraform-provider-rdsca_{v}_manifest.json");
    let mut names: Vec<String> = std::fs::read_dir(dist.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut want = vec![zip_name.clone(), sums_name.clone(), manifest_name.clone()];
    want.sort();
    assert_eq!(names, want);

    // The zip holds exactly the binary, executable, named with the v-prefixed version.
    let zip_bytes = std::fs::read(dist.path().join(&zip_name)).unwrap();
    let listing = Command::new("python3")
        .args(["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [print(i.filename, oct(i.external_attr >> 16 & 0o777)) for i in z.infolist()]"])
        .arg(dist.path().join(&zip_name))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&listing.stdout),
        format!("terraform-provider-rdsca_v{v} 0o755\n")
    );
    let unzipped = Command::new("python3")
        .args(["-c", "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))"])
        .arg(dist.path().join(&zip_name))
        .arg(format!("terraform-provider-rdsca_v{v}"))
        .output()
        .unwrap();
    let mut built = Vec::new();
    std::fs::File::open(provider_binary())
        .unwrap()
        .read_to_end(&mut built)
        .unwrap();
    assert!(unzipped.stdout == built, "the zipped binary is the build");

    // SHA256SUMS covers the zip and the manifest, with the right hashes.
    let sums = std::fs::read_to_string(dist.path().join(&sums_name)).unwrap();
    let manifest = std::fs::read(dist.path().join(&manifest_name)).unwrap();
    assert_eq!(
        sums,
        format!(
            "{}  {zip_name}\n{}  {manifest_name}\n",
            sha256_hex(&zip_bytes),
            sha256_hex(&manifest)
        )
    );
    assert_eq!(
        String::from_utf8(manifest).unwrap().trim(),
        r#"{"version":1,"metadata":{"protocol_versions":["6.0"]}}"#
    );
    assert_eq!(
        std::fs::read_to_string(workspace().join("terraform-registry-manifest.json"))
            .unwrap()
            .trim(),
        r#"{"version":1,"metadata":{"protocol_versions":["6.0"]}}"#
    );

    // A mirror holding only the zip (packed layout) installs and runs the provider.
    let mirror = tempfile::tempdir().unwrap();
    let packed = mirror
        .path()
        .join("mirror/registry.terraform.io/rdsca/rdsca");
    std::fs::create_dir_all(&packed).unwrap();
    std::fs::copy(dist.path().join(&zip_name), packed.join(&zip_name)).unwrap();
    let config = write_cli_config(mirror.path(), &mirror.path().join("mirror"));
    let mut w = Workdir::raw(&format!(
        "{}output \"u\" {{ value = provider::rdsca::bundle_url(\"eu-west-2\") }}\n",
        required_providers()
    ));
    w.extra_env
        .push(("TF_CLI_CONFIG_FILE".into(), config.display().to_string()));
    w.extra_env.push((
        "TF_PLUGIN_CACHE_DIR".into(),
        mirror.path().join("cache").display().to_string(),
    ));
    std::fs::create_dir_all(mirror.path().join("cache")).unwrap();
    let init = w.run(&["init", "-no-color"]).ok();
    assert!(
        init.stdout.contains(&format!("Installed rdsca/rdsca v{v}")),
        "{}",
        init.stdout
    );
    assert_eq!(
        w.apply_outputs()["u"],
        "https://truststore.pki.rds.amazonaws.com/eu-west-2/eu-west-2-bundle.pem"
    );
}
