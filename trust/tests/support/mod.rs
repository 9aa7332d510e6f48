//! What the trust crate's JDK tests share: running a command with its output logged, finding a
//! JDK tool (never skipping: a missing JDK fails), and reading `keytool -list -v`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A JDK tool, or a failure saying how to get one.
pub fn jdk_tool(name: &str) -> PathBuf {
    let from_home = std::env::var_os("JAVA_HOME").map(|h| PathBuf::from(h).join("bin").join(name));
    let from_path = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    from_home
        .filter(|p| p.is_file())
        .or(from_path)
        .unwrap_or_else(|| {
            panic!(
                "`{name}` is missing (neither JAVA_HOME/bin nor PATH has it): run scripts/setup.sh, \
                 which installs default-jdk-headless. The Java trust-store tests never skip."
            )
        })
}

pub fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    eprintln!(
        "{cmd:?}: {}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `keytool -list -v`: `(alias, entry type)` per entry, and the count keytool states.
pub fn keytool_list(
    store: &Path,
    password: &str,
) -> Result<(Vec<(String, String)>, usize), String> {
    let out = run(Command::new(jdk_tool("keytool"))
        .args([
            "-J-Duser.language=en",
            "-list",
            "-v",
            "-storetype",
            "PKCS12",
            "-keystore",
        ])
        .arg(store)
        .args(["-storepass", password]));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!("{text}{}", String::from_utf8_lossy(&out.stderr)));
    }
    let mut entries = Vec::new();
    let mut alias = None;
    let mut count = None;
    for line in text.lines() {
        if let Some(a) = line.strip_prefix("Alias name: ") {
            alias = Some(a.to_string());
        } else if let Some(t) = line.strip_prefix("Entry type: ") {
            entries.push((
                alias.take().expect("alias before entry type"),
                t.to_string(),
            ));
        } else if let Some(rest) = line.strip_prefix("Your keystore contains ") {
            count = rest.split_whitespace().next().and_then(|n| n.parse().ok());
        }
    }
    Ok((entries, count.expect("keytool states the entry count")))
}
