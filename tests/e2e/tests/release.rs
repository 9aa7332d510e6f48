//! The release command's artifacts: zip contents, checksums, manifest, and a `terraform init`
//! from a filesystem mirror holding just the zip (Terraform's packed layout); the signature of
//! the checksums with a throwaway GPG key; a Windows zip's `.exe`.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

use rdsca_e2e::{
    cli_binary, provider_binary, required_providers, version, workspace, write_cli_config, Workdir,
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

/// Runs scripts/release.sh on the debug build into `out` with `args`, in an environment without
/// the signing variables unless `env` sets them; panics with its output unless it succeeds.
fn release(out: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(workspace().join("scripts/release.sh"))
        .args(["--binary", provider_binary().to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .args(args)
        .env_remove("GPG_FINGERPRINT")
        .env_remove("GPG_KEY_ID");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = cmd.output().unwrap();
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    run
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// `(name, mode)` of each entry of a zip.
fn zip_listing(zip: &Path) -> String {
    let listing = Command::new("python3")
        .args(["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [print(i.filename, oct(i.external_attr >> 16 & 0o777)) for i in z.infolist()]"])
        .arg(zip)
        .output()
        .unwrap();
    String::from_utf8(listing.stdout).unwrap()
}

#[test]
fn release_artifacts_install_through_terraform_init() {
    let v = version();
    let dist = tempfile::tempdir().unwrap();
    release(dist.path(), &[], &[]);

    let zip_name = format!("terraform-provider-rdsca_{v}_linux_amd64.zip");
    let sums_name = format!("terraform-provider-rdsca_{v}_SHA256SUMS");
    let manifest_name = format!("terraform-provider-rdsca_{v}_manifest.json");
    let mut want = vec![zip_name.clone(), sums_name.clone(), manifest_name.clone()];
    want.sort();
    assert_eq!(file_names(dist.path()), want, "no signature without a key");

    // The zip holds exactly the binary, executable, named with the v-prefixed version.
    let zip_bytes = std::fs::read(dist.path().join(&zip_name)).unwrap();
    assert_eq!(
        zip_listing(&dist.path().join(&zip_name)),
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

/// A throwaway GPG home with one signing key; stops its gpg-agent when dropped.
struct Gnupg {
    home: tempfile::TempDir,
    fingerprint: String,
}

impl Gnupg {
    fn new() -> Gnupg {
        // tempfile makes the directory 0700, as gpg wants its home.
        let home = tempfile::tempdir().unwrap();
        let mut gnupg = Gnupg {
            home,
            fingerprint: String::new(),
        };
        let keygen = gnupg.gpg(&[
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "rdsca test <test@example.invalid>",
            "ed25519",
            "sign",
            "never",
        ]);
        assert!(
            keygen.status.success(),
            "{}",
            String::from_utf8_lossy(&keygen.stderr)
        );
        let list = gnupg.gpg(&["--batch", "--with-colons", "--list-secret-keys"]);
        gnupg.fingerprint = String::from_utf8(list.stdout)
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("fpr:"))
            .and_then(|l| l.split(':').find(|f| !f.is_empty()))
            .expect("the new key's fingerprint")
            .to_string();
        gnupg
    }

    fn gpg(&self, args: &[&str]) -> Output {
        Command::new("gpg")
            .env("GNUPGHOME", self.home.path())
            .args(args)
            .output()
            .expect("gpg (scripts/setup.sh installs gnupg)")
    }

    fn verify(&self, sig: &Path, data: &Path) -> Output {
        self.gpg(&[
            "--batch",
            "--verify",
            sig.to_str().unwrap(),
            data.to_str().unwrap(),
        ])
    }
}

impl Drop for Gnupg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home.path())
            .args(["--kill", "gpg-agent"])
            .output();
    }
}

#[test]
fn signed_checksums_verify_and_a_tampered_checksum_file_does_not() {
    let v = version();
    let gnupg = Gnupg::new();
    let home = gnupg.home.path();
    let sums_name = format!("terraform-provider-rdsca_{v}_SHA256SUMS");
    let sig_name = format!("{sums_name}.sig");

    // The key from --gpg-key, and from the environment (GPG_FINGERPRINT, as CI sets it).
    let flag = tempfile::tempdir().unwrap();
    release(
        flag.path(),
        &[
            "--gpg-key",
            &gnupg.fingerprint,
            "--cli-binary",
            cli_binary().to_str().unwrap(),
        ],
        &[("GNUPGHOME", home)],
    );
    // rdsca's sums are signed with the same key.
    let cli_sums = flag.path().join(format!("rdsca_{v}_SHA256SUMS"));
    let cli_sig = flag.path().join(format!("rdsca_{v}_SHA256SUMS.sig"));
    let good = gnupg.verify(&cli_sig, &cli_sums);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let env = tempfile::tempdir().unwrap();
    release(
        env.path(),
        &[],
        &[
            ("GNUPGHOME", home),
            ("GPG_FINGERPRINT", Path::new(&gnupg.fingerprint)),
        ],
    );

    for dist in [flag.path(), env.path()] {
        assert!(
            file_names(dist).contains(&sig_name),
            "{:?}",
            file_names(dist)
        );
        let sums = dist.join(&sums_name);
        let sig = dist.join(&sig_name);
        let bytes = std::fs::read(&sig).unwrap();
        assert!(
            !bytes.starts_with(b"-----BEGIN"),
            "the Registry wants a binary signature, not an armored one"
        );
        let good = gnupg.verify(&sig, &sums);
        assert!(
            good.status.success(),
            "{}",
            String::from_utf8_lossy(&good.stderr)
        );
        let report = String::from_utf8_lossy(&good.stderr);
        assert!(report.contains(&gnupg.fingerprint), "{report}");

        // One changed hash: the signature no longer verifies.
        let text = std::fs::read_to_string(&sums).unwrap();
        let first = text.chars().next().unwrap();
        let other = if first == '0' { '1' } else { '0' };
        let tampered = dist.join("tampered_SHA256SUMS");
        std::fs::write(&tampered, format!("{other}{}", &text[1..])).unwrap();
        let bad = gnupg.verify(&sig, &tampered);
        assert!(
            !bad.status.success(),
            "a tampered SHA256SUMS must fail verification:\n{}",
            String::from_utf8_lossy(&bad.stderr)
        );
    }
}

#[test]
fn a_windows_zip_holds_the_exe_and_the_checksums_cover_every_platform() {
    let v = version();
    let dist = tempfile::tempdir().unwrap();
    for (os, arch) in [("windows", "arm64"), ("darwin", "arm64")] {
        release(
            dist.path(),
            &["--os", os, "--arch", arch, "--package-only"],
            &[],
        );
    }
    release(dist.path(), &["--sums-only"], &[]);
    let windows = format!("terraform-provider-rdsca_{v}_windows_arm64.zip");
    let darwin = format!("terraform-provider-rdsca_{v}_darwin_arm64.zip");
    assert_eq!(
        zip_listing(&dist.path().join(&windows)),
        format!("terraform-provider-rdsca_v{v}.exe 0o755\n")
    );
    assert_eq!(
        zip_listing(&dist.path().join(&darwin)),
        format!("terraform-provider-rdsca_v{v} 0o755\n")
    );
    let sums = std::fs::read_to_string(
        dist.path()
            .join(format!("terraform-provider-rdsca_{v}_SHA256SUMS")),
    )
    .unwrap();
    let listed: Vec<&str> = sums
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            darwin.as_str(),
            windows.as_str(),
            &format!("terraform-provider-rdsca_{v}_manifest.json")
        ]
    );
}

/// The `rdsca` archives (issue 17): one per platform beside the provider's, holding `rdsca` (or
/// `rdsca.exe`), with their own SHA256SUMS so the Registry's stays the provider's alone.
#[test]
fn the_rdsca_archive_holds_the_command_line_with_its_own_sums() {
    let v = version();
    let dist = tempfile::tempdir().unwrap();
    let cli = cli_binary();
    let cli = cli.to_str().unwrap();
    release(
        dist.path(),
        &[
            "--cli-binary",
            cli,
            "--os",
            "windows",
            "--arch",
            "amd64",
            "--package-only",
        ],
        &[],
    );
    release(dist.path(), &["--cli-binary", cli], &[]);
    let linux = format!("rdsca_{v}_linux_amd64.zip");
    let windows = format!("rdsca_{v}_windows_amd64.zip");
    let sums_name = format!("rdsca_{v}_SHA256SUMS");
    let names = file_names(dist.path());
    for name in [&linux, &windows, &sums_name] {
        assert!(names.contains(name), "{name} in {names:?}");
    }
    assert_eq!(zip_listing(&dist.path().join(&linux)), "rdsca 0o755\n");
    assert_eq!(
        zip_listing(&dist.path().join(&windows)),
        "rdsca.exe 0o755\n"
    );

    // The zipped rdsca is the build, and runs.
    let unpacked = tempfile::tempdir().unwrap();
    let unzip = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
        ])
        .arg(dist.path().join(&linux))
        .arg(unpacked.path())
        .output()
        .unwrap();
    assert!(unzip.status.success());
    let binary = unpacked.path().join("rdsca");
    assert!(std::fs::read(&binary).unwrap() == std::fs::read(cli_binary()).unwrap());
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = Command::new(&binary).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), format!("rdsca {v}\n"));

    // rdsca's sums cover its zips only; the provider's, the provider's zip and manifest only.
    let sums = std::fs::read_to_string(dist.path().join(&sums_name)).unwrap();
    assert_eq!(
        sums,
        format!(
            "{}  {linux}\n{}  {windows}\n",
            sha256_hex(&std::fs::read(dist.path().join(&linux)).unwrap()),
            sha256_hex(&std::fs::read(dist.path().join(&windows)).unwrap())
        )
    );
    let provider_sums = std::fs::read_to_string(
        dist.path()
            .join(format!("terraform-provider-rdsca_{v}_SHA256SUMS")),
    )
    .unwrap();
    let listed: Vec<&str> = provider_sums
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            format!("terraform-provider-rdsca_{v}_linux_amd64.zip"),
            format!("terraform-provider-rdsca_{v}_windows_amd64.zip"),
            format!("terraform-provider-rdsca_{v}_manifest.json"),
        ]
    );
}
