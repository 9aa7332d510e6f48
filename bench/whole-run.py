#!/usr/bin/env python3
"""Whole-run measurements of terraform-provider-rdsca against a Go peer and bare Terraform.

Run by hand (not in CI), from the repository root, after
`cargo build --release -p terraform-provider-rdsca -p rdsca-test-server`:

    python3 bench/whole-run.py [--runs 15] [--terraform PATH] [--json out.json]

Everything is measured in one run, so ratios hold on a noisy machine:
  (a) `terraform plan` with one rdsca function call / the Go peer's function
      (terraform-provider-workato 0.16.0 from the PyPI wheel `workato-terraform-provider`,
      built on terraform-plugin-framework) / no provider at all (`2 + 3`);
  (b) one URL-only `rdsca_bundle` per Region vs the same URLs in plain HCL `locals`;
  (c) one `rdsca_bundle` per Region with content from a local HTTPS server, cold and warm cache
      (requests reaching the server are counted);
  plus the plugin's start-to-handshake time, Close-to-exit time, peak RSS and binary size.
Medians come from hyperfine (Debian package `hyperfine`).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COOKIE = ("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
VERSION = re.search(r'^version = "(.*)"', (ROOT / "Cargo.toml").read_text(), re.M).group(1)


def sh(cmd, input=None, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, input=input, **kw)


def go_peer(cache: Path) -> Path:
    """The Go provider binary from the workato-terraform-provider wheel (downloaded once)."""
    binary = cache / "terraform-provider-workato_v0.16.0"
    if binary.exists():
        return binary
    cache.mkdir(parents=True, exist_ok=True)
    sh([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(cache), "workato-terraform-provider==0.16.0"])
    wheel = next(cache.glob("workato_terraform_provider-0.16.0-*.whl"))
    member = "workato_terraform_provider/payload/registry.terraform.io/local/workato/0.16.0/linux_amd64/terraform-provider-workato_v0.16.0"
    with zipfile.ZipFile(wheel) as z, open(binary, "wb") as out:
        out.write(z.read(member))
    binary.chmod(0o755)
    return binary


def mirror(base: Path, rdsca: Path, workato: Path, rss_dir: Path) -> Path:
    m = base / "mirror"
    d = m / f"registry.terraform.io/rdsca/rdsca/{VERSION}/linux_amd64"
    d.mkdir(parents=True)
    shutil.copy(rdsca, d / f"terraform-provider-rdsca_v{VERSION}")
    g = m / "registry.terraform.io/local/workato/0.16.0/linux_amd64"
    g.mkdir(parents=True)
    shutil.copy(workato, g / "terraform-provider-workato_v0.16.0")
    # A second copy of our provider wrapped in /usr/bin/time, to read its peak RSS.
    r = m / f"registry.terraform.io/rdsca/rdscarss/{VERSION}/linux_amd64"
    r.mkdir(parents=True)
    wrapper = r / f"terraform-provider-rdscarss_v{VERSION}"
    wrapper.write_text(f'#!/bin/sh\nexec /usr/bin/time -f %M -o "{rss_dir}/rss.$$" "{rdsca}" "$@"\n')
    wrapper.chmod(0o755)
    cfg = base / "tf.rc"
    cfg.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{m}"\n  }}\n}}\n')
    return cfg


REQUIRED = {
    "rdsca": 'rdsca = { source = "rdsca/rdsca" }',
    "workato": 'workato = { source = "local/workato" }',
    "rdscarss": 'rdscarss = { source = "rdsca/rdscarss" }',
}


def config(base: Path, name: str, providers: list, body: str) -> Path:
    d = base / name
    d.mkdir()
    req = "\n    ".join(REQUIRED[p] for p in providers)
    head = f"terraform {{\n  required_providers {{\n    {req}\n  }}\n}}\n" if providers else ""
    (d / "main.tf").write_text(head + body)
    return d


def regions():
    text = (ROOT / "data/rds-ca.toml").read_text()
    return re.findall(r'^\[\[region\]\]\ncode = "([^"]+)"\nname = "[^"]*"\npartition = "([^"]+)"', text, re.M)


def hyperfine(cmds: dict, runs: int, cwd_env, prepare=None) -> dict:
    out = Path(tempfile.mktemp(suffix=".json"))
    args = ["hyperfine", "--runs", str(runs), "--warmup", "2", "--export-json", str(out), "--style", "basic"]
    if prepare:
        args += ["--prepare", prepare]
    for name, (cwd, cmd) in cmds.items():
        args += ["-n", name, f"cd {cwd} && {cmd}"]
    subprocess.run(args, check=True, env=cwd_env, stdout=subprocess.DEVNULL)
    data = json.loads(out.read_text())
    return {r["command"]: r for r in data["results"]}


def handshake_ms(binary: Path, n: int = 30) -> float:
    """Start to the go-plugin handshake line on stdout, median of n."""
    env = dict(os.environ, **{COOKIE[0]: COOKIE[1]})
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        p = subprocess.Popen([str(binary)], stdout=subprocess.PIPE, env=env)
        p.stdout.readline()
        samples.append((time.perf_counter() - t0) * 1000)
        p.kill()
        p.wait()
    return statistics.median(samples)


def close_to_exit_ms(cwd: Path, env: dict, n: int = 10) -> float:
    """From Terraform's `GRPCProvider.v6: Close` to `plugin process exited`, from TF_LOG=trace."""
    stamp = re.compile(r"^(\S+) .*(GRPCProvider.v6: Close|plugin process exited)")
    samples = []
    for _ in range(n):
        log = subprocess.run(["terraform", "plan", "-no-color"], cwd=cwd, env=dict(env, TF_LOG="trace"), capture_output=True, text=True).stderr
        closed = None
        for line in log.splitlines():
            m = stamp.match(line)
            if not m:
                continue
            t = datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
            if "Close" in m.group(2):
                closed = t
            elif closed is not None:
                samples.append((t - closed).total_seconds() * 1000)
                closed = None
    return statistics.median(samples)


def regional_bundles(root: Path) -> dict:
    """Per-region bundles as AWS serves them now (three G1 roots each), cut from the real global
    bundle in tests/fixtures/bundles: {region: pem}."""
    fixtures = ROOT / "tests/fixtures/bundles"
    text = (fixtures / "global-bundle.e5bb208.pem").read_text()
    out = {}
    for block in re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?", text, re.S):
        subject = sh(["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253"], input=block).stdout
        m = re.search(r"CN=Amazon RDS ([a-z]+-[a-z]+-\d+) Root CA", subject)
        if m:
            out[m.group(1)] = out.get(m.group(1), "") + block
    for region, pem in out.items():
        d = root / region
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{region}-bundle.pem").write_text(pem)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--terraform", default=shutil.which("terraform"))
    ap.add_argument("--binary", default=str(ROOT / "target/release/terraform-provider-rdsca"))
    ap.add_argument("--json")
    a = ap.parse_args()
    binary = Path(a.binary)
    if not binary.exists():
        sys.exit(f"{binary} is missing: run `cargo build --release -p terraform-provider-rdsca` first")
    base = Path(tempfile.mkdtemp(prefix="rdsca-bench-"))
    rss_dir = base / "rss"
    rss_dir.mkdir()
    cfg = mirror(base, binary, go_peer(ROOT / ".tools/bench"), rss_dir)
    env = dict(os.environ, TF_CLI_CONFIG_FILE=str(cfg), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", PATH=f"{Path(a.terraform).parent}:{os.environ['PATH']}")
    env.pop("TF_LOG", None)

    dirs = {
        "a: rdsca function": config(base, "a_rdsca", ["rdsca"], 'output "x" { value = provider::rdsca::bundle_url("eu-west-1") }\n'),
        "a: Go peer function": config(base, "a_go", ["workato"], 'output "x" { value = provider::workato::asset_id("a/b.recipe.json") }\n'),
        "a: no provider": config(base, "a_none", [], 'output "x" { value = 2 + 3 }\n'),
    }
    rs = regions()
    bundles = "".join(f'data "rdsca_bundle" "r{i}" {{\n  region = "{c}"\n  content_source = "none"\n}}\n' for i, (c, _) in enumerate(rs))
    bundles += 'output "urls" { value = [' + ", ".join(f"data.rdsca_bundle.r{i}.pem_url" for i in range(len(rs))) + "] }\n"
    dirs["b: rdsca_bundle per region"] = config(base, "b_rdsca", ["rdsca"], bundles)
    hosts = {"aws": "truststore.pki.rds.amazonaws.com", "aws-us-gov": "truststore.pki.us-gov-west-1.rds.amazonaws.com",
             "aws-cn": "rds-truststore.s3.cn-north-1.amazonaws.com.cn"}
    locals_ = "locals {\n  regions = {\n" + "".join(f'    "{c}" = "{hosts[p]}"\n' for c, p in rs) + "  }\n"
    locals_ += '  urls = [for r, h in local.regions : format("https://%s/%s/%s-bundle.pem", h, r, r)]\n}\noutput "urls" { value = local.urls }\n'
    dirs["b: plain HCL locals"] = config(base, "b_locals", [], locals_)
    rss_cfg = config(base, "a_rss", ["rdscarss"], 'output "x" { value = provider::rdscarss::bundle_url("eu-west-1") }\n')

    # (c) content from a local HTTPS server, every commercial Region.
    served = base / "served"
    bundles_by_region = regional_bundles(served)
    server_bin = binary.parent / "rdsca-test-server"
    if not server_bin.exists():
        sys.exit(f"{server_bin} is missing: run `cargo build --release -p rdsca-test-server` first")
    server = subprocess.Popen([str(server_bin), "--dir", str(served), "--ca-out", str(base / "ca.pem"), "--addr-out", str(base / "addr")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    for _ in range(100):
        if (base / "addr").exists() and (base / "addr").read_text():
            break
        time.sleep(0.05)
    addr = (base / "addr").read_text()
    cache = base / "cache"
    content = f'provider "rdsca" {{\n  base_urls   = {{ aws = "{addr}" }}\n  ca_cert_pem = file("{base}/ca.pem")\n  cache_dir   = "{cache}"\n}}\n'
    content += "".join(f'data "rdsca_bundle" "r{i}" {{\n  region = "{c}"\n  content_source = "download"\n}}\n' for i, c in enumerate(sorted(bundles_by_region)))
    content += 'output "roots" { value = [' + ", ".join(f"length(data.rdsca_bundle.r{i}.certificates)" for i in range(len(bundles_by_region))) + "] }\n"
    content_dir = config(base, "c_content", ["rdsca"], content)

    def server_requests() -> int:
        server.stdin.write("\n")
        server.stdin.flush()
        return sum(json.loads(server.stdout.readline()).values())

    for d in list(dirs.values()) + [rss_cfg, content_dir]:
        sh(["terraform", "init", "-no-color", "-input=false"], cwd=d, env=env)

    res = hyperfine({n: (d, "terraform plan -no-color -input=false >/dev/null") for n, d in dirs.items()}, a.runs, env)
    cold = hyperfine({"c: content, cold cache": (content_dir, "terraform plan -no-color -input=false >/dev/null")}, a.runs, env,
                     prepare=f"rm -rf {cache}")
    before_warm = server_requests()
    warm = hyperfine({"c: content, warm cache": (content_dir, "terraform plan -no-color -input=false >/dev/null")}, a.runs, env)
    warm_requests = server_requests() - before_warm
    server.stdin.close()
    server.wait()
    res.update(cold)
    res.update(warm)
    med = {n: r["median"] * 1000 for n, r in res.items()}
    user = {n: (r["user"] + r["system"]) * 1000 for n, r in res.items()}

    sh(["terraform", "plan", "-no-color"], cwd=rss_cfg, env=env)
    rss_kib = max(int(p.read_text().split()[-1]) for p in rss_dir.iterdir())

    results = {
        "terraform": sh(["terraform", "version"], env=env).stdout.splitlines()[0],
        "median_ms": med,
        "cpu_ms": user,
        "added_ms_rdsca": med["a: rdsca function"] - med["a: no provider"],
        "added_ms_go": med["a: Go peer function"] - med["a: no provider"],
        "ratio_b": med["b: rdsca_bundle per region"] / med["b: plain HCL locals"],
        "regions_with_content": len(bundles_by_region),
        "warm_cache_requests": warm_requests,
        "handshake_ms": handshake_ms(binary),
        "close_to_exit_ms": close_to_exit_ms(dirs["a: rdsca function"], env),
        "peak_rss_mib": rss_kib / 1024,
        "binary_mib": binary.stat().st_size / 2**20,
    }
    results["added_ratio"] = results["added_ms_rdsca"] / results["added_ms_go"]
    print(f"| measurement | median (ms) | CPU user+sys (ms) |\n|---|---:|---:|")
    for n in med:
        print(f"| {n} | {med[n]:.1f} | {user[n]:.1f} |")
    print()
    for k in ("terraform", "added_ms_rdsca", "added_ms_go", "added_ratio", "ratio_b", "regions_with_content", "warm_cache_requests", "handshake_ms", "close_to_exit_ms", "peak_rss_mib", "binary_mib"):
        v = results[k]
        print(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
