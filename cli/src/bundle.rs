//! `rdsca bundle`: trust material for database clients, from the RDS certificates compiled into
//! rdsca (checked when it was built; no network), or with `--download` from the bundle AWS (or a
//! mirror) serves, through the provider's verified, pinned and cached path
//! (`rdsca_trust::BundleService`). The choice of certificates is [`select_material`], on the
//! core's `rdsca_trust::trust_material` (the same answer as `data "rdsca_bundle"`, for the
//! database's endpoints, RDS Proxy or both); writing them as PEM, PKCS#7 or a Java PKCS#12 trust
//! store is [`encode`].

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use der::Encode as _;

use rdsca_table::selection::{select, Problem, Selection};
use rdsca_table::{CaId, Endpoint, Partition};
use rdsca_trust::cache::{default_cache_dir, CacheSettings};
use rdsca_trust::{
    compiled_bundle, trust_material, truststore_aliases, CertificateInfo, ContentSettings, Finding,
    Origin,
};

use crate::{CliError, Outcome};

const EXAMPLES: &str = "\
Examples:
  rdsca bundle --region eu-west-1 > rds-root.pem          # the root of eu-west-1's default CA
  rdsca bundle --region eu-west-1 --ca rds-ca-ecc384-g1   # the root of another CA
  rdsca bundle --region eu-west-1 --select offered        # the roots of every CA offered there
  rdsca bundle --partition aws --out global.pem           # every certificate of the commercial partition
  rdsca bundle --region us-east-1 --format pkcs7 --out rds.p7b
  RDS_TRUSTSTORE_PASSWORD=changeit \\
    rdsca bundle --region eu-west-1 --select offered --format pkcs12 \\
      --password-env RDS_TRUSTSTORE_PASSWORD --out rds.p12
  java -Djavax.net.ssl.trustStore=rds.p12 -Djavax.net.ssl.trustStoreType=PKCS12 \\
       -Djavax.net.ssl.trustStorePassword=changeit ...
  rdsca bundle --region eu-west-1 --download              # AWS's current bundle, verified first
  rdsca bundle --partition aws-cn --download --select all # AWS China: no compiled-in copy exists
  rdsca bundle --region eu-west-1 --endpoint proxy > proxy-roots.pem   # RDS Proxy: the Amazon roots
  rdsca bundle --region eu-west-1 --endpoint both --format pkcs12 \
    --password-env RDS_TRUSTSTORE_PASSWORD --out db-trust.p12  # database and proxy, one store

What is chosen (--select): `root`, the one root the database's CA (--ca) chains to in --region (the
default with --region); `offered`, the roots of the CAs RDS offers in --region, a trust store that keeps
working when the database changes CA (with --partition: every root); `all`, every certificate of the
set, GovCloud intermediates included (the default with --partition).

Which endpoint the client connects to (--endpoint): `database` (the default), the database's own
endpoints, whose certificates the RDS CA issues; `proxy`, an RDS Proxy endpoint (or Aurora Serverless
v1), whose ACM certificate chains to the Amazon Trust Services roots (Amazon Root CA 1 to 4, Starfield
Services Root Certificate Authority - G2, compiled in): no RDS certificate is used, so there is no
single root (`--select offered`, the default with proxy, gives the Amazon roots) and --download has
nothing to fetch; `both`, one trust store for both: the RDS roots, then the Amazon roots (`offered` is
the default). Outside the commercial partition no source confirms the Amazon roots for RDS Proxy: a
warning on standard error, and the roots are written.

The same inputs give the same PEM and PKCS#7 bytes. A PKCS#12 file carries random salts, so two runs
give different bytes holding the same certificates under the same aliases (`<region>-<CA id>`), unless
--cache-dir names a folder where rdsca keeps the last store and returns it again while the
certificates and password are unchanged. The PKCS#12 password comes from --password-env or
--password-file only (never the command line), and must not be empty: Java opens a store with an
empty password without decrypting it, and would see no certificate.

--download fetches the Region's bundle (with --partition, the global one) over HTTPS and verifies every
certificate before it is used or cached: identical to a compiled-in one, or its signature verifies
against an issuer in the bundle, and no certificate may claim a Region and CA whose compiled-in root is
another. The cache (default $XDG_CACHE_HOME/terraform-provider-rdsca, shared with the provider) serves a
copy for a day and revalidates it afterwards.

Exit status: 0 when the material was written; 1 for a bad argument (an unknown --endpoint, --select
root or --download with --endpoint proxy), a CA not offered in the Region, a password problem, a
download that failed or failed verification, or an output that cannot be written.";

/// Which certificates of the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Select {
    /// The root of --ca in --region: all a database client needs to trust.
    Root,
    /// The roots of the CAs offered in --region (every root of a partition).
    Offered,
    /// Every certificate of the set.
    All,
}

/// Output formats of `bundle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BundleFormat {
    /// PEM certificates, one after the other.
    Pem,
    /// A certificates-only PKCS#7 (CMS SignedData), DER, as `.p7b` files are.
    Pkcs7,
    /// A Java PKCS#12 trust store (each certificate a trustedCertEntry).
    Pkcs12,
}

/// Write RDS trust material: PEM, PKCS#7 or a Java trust store.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct BundleArgs {
    /// The Region whose certificates to write, e.g. `eu-west-1` or `us-gov-west-1`.
    #[arg(long, value_name = "REGION", value_parser = crate::check::parse_region, conflicts_with = "partition")]
    pub region: Option<String>,
    /// A partition's global set instead of a Region's: `aws`, `aws-us-gov` or `aws-cn`.
    #[arg(long, value_name = "PARTITION", value_parser = parse_partition)]
    pub partition: Option<String>,
    /// The CA the database uses (`ca_cert_identifier`); must be offered in --region. Default: the RDS default CA.
    #[arg(long, value_name = "CA", value_parser = parse_ca)]
    pub ca: Option<CaId>,
    /// Which certificates: the CA's root, the offered roots, or all. Default: `root` with --region (`offered` with --endpoint proxy or both), `all` with --partition.
    #[arg(long, value_enum)]
    pub select: Option<Select>,
    /// The endpoint the client connects to: `database`, `proxy` (RDS Proxy: the Amazon Trust Services roots) or `both`.
    #[arg(long, value_name = "ENDPOINT", value_parser = parse_endpoint, default_value = "database")]
    pub endpoint: Endpoint,
    /// Output format.
    #[arg(long, value_enum, default_value_t = BundleFormat::Pem)]
    pub format: BundleFormat,
    /// Write to FILE instead of standard output (binary formats are never written to a terminal).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// PKCS#12: read the trust store's password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "password_file")]
    pub password_env: Option<String>,
    /// PKCS#12: read the trust store's password from FILE (one trailing newline is dropped).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Fetch AWS's current bundle (verified before use) instead of using the compiled-in certificates.
    #[arg(long)]
    pub download: bool,
    /// --download: the SHA-256 (hex) the downloaded file must have; checked before anything is cached.
    #[arg(long, value_name = "SHA256", requires = "download", value_parser = parse_sha256)]
    pub expected_sha256: Option<String>,
    /// The bundle cache (--download), and where a PKCS#12 store is kept so the same inputs give the same bytes.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// --download: use no disk cache.
    #[arg(long, requires = "download", conflicts_with = "cache_dir")]
    pub no_cache: bool,
    /// --download: seconds one request may take, connecting to the last byte.
    #[arg(long, value_name = "SECONDS", requires = "download", value_parser = clap::value_parser!(u64).range(1..=600),
          default_value_t = rdsca_http::defaults::REQUEST_TIMEOUT.as_secs())]
    pub timeout: u64,
    /// --download: a PEM CA to trust on top of the web PKI and the system's roots (a private mirror's CA).
    #[arg(long, value_name = "FILE", requires = "download")]
    pub ca_cert_file: Option<PathBuf>,
    /// --download: a mirror replacing `https://<truststore host>`, e.g. `https://mirror.example.com/rds`.
    #[arg(long, value_name = "URL", requires = "download", value_parser = parse_base_url)]
    pub base_url: Option<String>,
}

fn parse_partition(id: &str) -> Result<String, String> {
    Partition::lookup(id)
        .map(|p| p.id.to_string())
        .map_err(|u| u.detail())
}

fn parse_ca(id: &str) -> Result<CaId, String> {
    id.parse::<CaId>().map_err(|u| u.detail())
}

fn parse_endpoint(name: &str) -> Result<Endpoint, String> {
    name.parse::<Endpoint>().map_err(|u| u.detail())
}

fn parse_sha256(pin: &str) -> Result<String, String> {
    rdsca_trust::parse_sha256_pin(pin).ok_or_else(|| {
        format!(
            "\"{}\" is not a SHA-256: 64 hexadecimal digits, as `sha256sum` prints them",
            pin.trim()
        )
    })
}

fn parse_base_url(url: &str) -> Result<String, String> {
    let rest = url.strip_prefix("https://").ok_or_else(|| {
        format!("\"{url}\" is not an https:// URL: bundles are fetched over HTTPS only")
    })?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("\"{url}\" names no host"));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// The certificates chosen from a set, and what they are, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    pub certificates: Vec<CertificateInfo>,
    /// `the compiled-in set of eu-west-1`, or the URL a download came from.
    pub origin: String,
    /// What to warn of: Amazon roots no source confirms for RDS Proxy in the partition.
    pub warnings: Vec<Problem>,
}

/// The certificates `select` picks for `selection` and `endpoint`, from the compiled-in set
/// (`downloaded` is `None`) or from a downloaded, verified bundle, by `rdsca_trust::trust_material`:
/// the same answer as `data "rdsca_bundle"`. `root` is its `root_pem`, `offered` its
/// `offered_roots_pem` (for a partition, every root, as its trust store holds), `all` its
/// `certificates`.
pub fn select_material(
    selection: &Selection,
    select: Select,
    endpoint: Endpoint,
    downloaded: Option<(&str, &[CertificateInfo])>,
) -> Result<Material, String> {
    let compiled;
    let (origin, certificates) = match downloaded {
        Some((url, certificates)) => (url.to_string(), certificates),
        // A proxy's roots are the Amazon ones: no RDS set to read.
        None if !endpoint.needs_rds_roots() => (
            "the compiled-in Amazon Trust Services roots".to_string(),
            &[][..],
        ),
        None => {
            let region = selection.region.as_ref().map(|r| r.code());
            compiled = compiled_bundle(selection.partition.id, region).map_err(|e| {
                format!(
                    "rdsca holds no RDS certificates for {}: AWS publishes none to check them against at build time. Use --download, which verifies the bundle AWS serves by its signatures.",
                    e.what
                )
            })?;
            (
                format!("the compiled-in set of {}", selection.id()),
                compiled.certificates.as_slice(),
            )
        }
    };
    if select == Select::Root && selection.region.is_none() {
        return Err(format!(
            "--select root needs --region: {} has a root of {} in every Region. Use --select offered for every root of the partition, or --select all.",
            selection.partition.id, selection.ca
        ));
    }
    if select == Select::Root && endpoint == Endpoint::Proxy {
        return Err("--select root with --endpoint proxy: an RDS Proxy endpoint has no single root (its ACM certificate chains to one of the Amazon Trust Services roots). Use --select offered.".to_string());
    }
    let material =
        trust_material(selection, endpoint, &origin, certificates).map_err(|e| e.to_string())?;
    let chosen: Vec<CertificateInfo> = match select {
        Select::All => material.certificates,
        Select::Offered => material.trusted_roots,
        // `database` and `both` in a Region always have it (checked above and by trust_material).
        Select::Root => material.root.into_iter().collect(),
    };
    if chosen.is_empty() {
        return Err(format!(
            "{origin} holds no root of a CA offered in {}",
            selection.id()
        ));
    }
    Ok(Material {
        certificates: chosen,
        origin,
        warnings: material.warnings,
    })
}

/// The material as the bytes of `format`.
pub fn encode(
    material: &Material,
    format: BundleFormat,
    password: Option<&str>,
    keep_dir: Option<&Path>,
) -> Result<Vec<u8>, String> {
    let ders = || -> Result<Vec<Vec<u8>>, String> {
        material
            .certificates
            .iter()
            .map(|c| {
                let mut ders =
                    rdsca_bundle_format::certificate_ders(c.pem().as_bytes(), &c.common_name)
                        .map_err(|e| e.to_string())?;
                ders.pop()
                    .ok_or_else(|| format!("\"{}\" has no certificate", c.common_name))
            })
            .collect()
    };
    match format {
        BundleFormat::Pem => Ok(material
            .certificates
            .iter()
            .flat_map(|c| c.pem().into_bytes())
            .collect()),
        BundleFormat::Pkcs7 => pkcs7(&ders()?),
        BundleFormat::Pkcs12 => {
            let password = password.ok_or(
                "--format pkcs12 needs a password: --password-env VAR or --password-file FILE",
            )?;
            let ders = ders()?;
            let aliases = truststore_aliases(&material.certificates);
            let entries: Vec<(&str, &[u8])> = aliases
                .iter()
                .map(String::as_str)
                .zip(ders.iter().map(Vec::as_slice))
                .collect();
            rdsca_trust::stable_pkcs12_truststore(keep_dir, &entries, password)
                .map_err(|e| e.to_string())
        }
    }
}

/// A degenerate CMS SignedData (RFC 5652 §5; certificates only, no signer), DER: what `.p7b`
/// bundles are and `openssl pkcs7 -print_certs -inform DER` reads. DER sorts a SET OF, so the
/// certificates come in their encodings' order, the same for the same certificates.
fn pkcs7(ders: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    use cms::content_info::{CmsVersion, ContentInfo};
    use cms::signed_data::{CertificateSet, EncapsulatedContentInfo, SignedData};
    use der::Decode as _;

    let certificates = ders
        .iter()
        .map(|d| {
            x509_cert::Certificate::from_der(d)
                .map(cms::cert::CertificateChoices::Certificate)
                .map_err(|e| format!("a certificate does not decode for PKCS#7: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: Default::default(),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: const_oid::db::rfc5911::ID_DATA,
            econtent: None,
        },
        certificates: Some(
            CertificateSet::try_from(certificates).map_err(|e| format!("PKCS#7: {e}"))?,
        ),
        crls: None,
        signer_infos: cms::signed_data::SignerInfos(Default::default()),
    };
    let info = ContentInfo {
        content_type: const_oid::db::rfc5911::ID_SIGNED_DATA,
        content: der::Any::encode_from(&signed).map_err(|e| format!("PKCS#7: {e}"))?,
    };
    info.to_der().map_err(|e| format!("PKCS#7: {e}"))
}

/// The PKCS#12 password, from the environment or a file; never empty.
fn password(args: &BundleArgs) -> Result<Option<String>, CliError> {
    let bad = |m: String| Err(CliError::BadInput(m));
    let (password, source) = match (&args.password_env, &args.password_file) {
        (Some(var), _) => match std::env::var(var) {
            Ok(p) => (p, format!("environment variable {var}")),
            Err(std::env::VarError::NotPresent) => {
                return bad(format!(
                    "--password-env {var}: the environment variable {var} is not set"
                ))
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return bad(format!("--password-env {var}: {var} is not valid UTF-8"))
            }
        },
        (None, Some(file)) => match std::fs::read_to_string(file) {
            Ok(text) => {
                let text = text
                    .strip_suffix('\n')
                    .map(|t| t.strip_suffix('\r').unwrap_or(t))
                    .unwrap_or(&text)
                    .to_string();
                (text, format!("file {}", file.display()))
            }
            Err(e) => return bad(format!("--password-file {}: {e}", file.display())),
        },
        (None, None) => return Ok(None),
    };
    if args.format != BundleFormat::Pkcs12 {
        return bad(
            "--password-env and --password-file are for --format pkcs12 only: PEM and PKCS#7 are not encrypted".into(),
        );
    }
    if password.is_empty() {
        return bad(format!("the PKCS#12 password ({source}) is empty: Java opens a store with an empty password without decrypting it, and would see no certificate"));
    }
    Ok(Some(password))
}

pub fn run(args: &BundleArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let selection = select(
        args.region.as_deref(),
        args.partition.as_deref(),
        args.ca.map(|c| c.as_str()),
        false,
    )
    .map_err(|problems| {
        CliError::BadInput(
            problems
                .iter()
                .map(|p| format!("--{}: {}", flag(p.attribute), p.detail))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    for warning in &selection.warnings {
        eprintln!("rdsca: warning: {}: {}", warning.summary, warning.detail);
    }
    let chosen = args
        .select
        .unwrap_or(match (&selection.region, args.endpoint) {
            (None, _) => Select::All,
            (Some(_), Endpoint::Database) => Select::Root,
            (Some(_), _) => Select::Offered,
        });
    if args.download && !args.endpoint.needs_rds_roots() {
        return Err(CliError::BadInput(
            "--download with --endpoint proxy: an RDS Proxy endpoint uses no RDS bundle (its ACM certificate chains to the Amazon Trust Services roots, compiled into rdsca). Use --endpoint both to add the downloaded RDS roots, or leave out --download.".into(),
        ));
    }
    let password = password(args)?;
    if args.format == BundleFormat::Pkcs12 && password.is_none() {
        return Err(CliError::BadInput(
            "--format pkcs12 needs a password: --password-env VAR or --password-file FILE (never on the command line)".into(),
        ));
    }
    if args.out.is_none() && args.format != BundleFormat::Pem && std::io::stdout().is_terminal() {
        return Err(CliError::BadInput(format!(
            "--format {} is binary and standard output is a terminal: use --out FILE, or redirect the output",
            match args.format {
                BundleFormat::Pkcs7 => "pkcs7",
                _ => "pkcs12",
            }
        )));
    }
    let material = if args.download {
        let bundle = download(args, &selection)?;
        select_material(
            &selection,
            chosen,
            args.endpoint,
            Some((&bundle.url, bundle.certificates())),
        )
    } else {
        select_material(&selection, chosen, args.endpoint, None)
    }
    .map_err(CliError::BadInput)?;
    for warning in &material.warnings {
        eprintln!("rdsca: warning: {}: {}", warning.summary, warning.detail);
    }
    let bytes = encode(
        &material,
        args.format,
        password.as_deref(),
        args.cache_dir.as_deref(),
    )
    .map_err(CliError::BadInput)?;
    match &args.out {
        Some(path) => std::fs::write(path, &bytes).map_err(|e| {
            CliError::BadInput(format!("--out {}: cannot write it: {e}", path.display()))
        })?,
        None => out.write_all(&bytes).map_err(CliError::Output)?,
    }
    Ok(Outcome::Clean)
}

/// The command-line flag of a selection problem's attribute.
fn flag(attribute: &str) -> &str {
    match attribute {
        "ca_identifier" => "ca",
        other => other,
    }
}

/// The selection's PEM bundle from AWS or the mirror, verified (and cached) by the bundle
/// service; what it found is printed as warnings.
fn download(
    args: &BundleArgs,
    selection: &Selection,
) -> Result<std::sync::Arc<rdsca_trust::VerifiedBundle>, CliError> {
    let mut fetch =
        rdsca_http::HttpSettings::with_defaults(format!("rdsca/{}", env!("CARGO_PKG_VERSION")));
    fetch.request_timeout = Duration::from_secs(args.timeout);
    if let Some(file) = &args.ca_cert_file {
        fetch.extra_ca_pem =
            Some(std::fs::read_to_string(file).map_err(|e| {
                CliError::BadInput(format!("--ca-cert-file {}: {e}", file.display()))
            })?);
    }
    let cache = (!args.no_cache).then(|| CacheSettings {
        dir: args.cache_dir.clone().unwrap_or_else(default_cache_dir),
        ..CacheSettings::with_defaults()
    });
    let service =
        rdsca_trust::BundleService::new(ContentSettings { fetch, cache }).map_err(|e| {
            let what = args
                .ca_cert_file
                .as_ref()
                .map(|f| format!("--ca-cert-file {}: ", f.display()))
                .unwrap_or_default();
            CliError::BadInput(format!("{what}{e}"))
        })?;
    let url = mirrored(selection, args.base_url.as_deref());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::BadInput(format!("cannot start the download: {e}")))?;
    let bundle = runtime
        .block_on(service.bundle(&url, args.expected_sha256.as_deref()))
        .map_err(|e| CliError::BadInput(e.to_string()))?;
    for finding in &bundle.content.findings {
        match finding {
            Finding::UnknownRegions(regions) => eprintln!(
                "rdsca: warning: {url} holds roots for Regions this rdsca does not know ({}): their signatures verify; upgrade rdsca to check them against its table",
                regions.join(", ")
            ),
            Finding::SignatureOnly(names) => eprintln!(
                "rdsca: warning: {url}: rdsca holds no copy of {}, so nothing pins them; their signatures verify",
                names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
            ),
        }
    }
    if let Origin::Stale { failure, .. } = &bundle.origin {
        eprintln!("rdsca: warning: refreshing the cached copy of {url} failed ({failure}); the copy verified when it was fetched is used");
    }
    Ok(bundle)
}

/// The URL to fetch: AWS's, or the same path under `--base-url`.
fn mirrored(selection: &Selection, base_url: Option<&str>) -> String {
    selection
        .partition
        .mirrored_url(&selection.pem_url(), base_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selection(region: Option<&str>, partition: Option<&str>, ca: Option<&str>) -> Selection {
        select(region, partition, ca, false).unwrap()
    }

    fn names(m: &Material) -> Vec<&str> {
        m.certificates
            .iter()
            .map(|c| c.common_name.as_str())
            .collect()
    }

    #[test]
    fn root_is_the_cas_root_in_the_region() {
        let s = selection(Some("eu-west-1"), None, Some("rds-ca-ecc384-g1"));
        let m = select_material(&s, Select::Root, Endpoint::Database, None).unwrap();
        assert_eq!(names(&m), ["Amazon RDS eu-west-1 Root CA ECC384 G1"]);
        let default = select_material(
            &selection(Some("eu-west-1"), None, None),
            Select::Root,
            Endpoint::Database,
            None,
        )
        .unwrap();
        assert_eq!(names(&default), ["Amazon RDS eu-west-1 Root CA RSA2048 G1"]);
    }

    #[test]
    fn offered_leaves_out_the_cas_a_region_lacks() {
        // eu-central-2 offers rds-ca-rsa2048-g1 only (the README's example), yet its compiled-in
        // set holds the roots of all three.
        let s = selection(Some("eu-central-2"), None, None);
        let all = select_material(&s, Select::All, Endpoint::Database, None).unwrap();
        assert_eq!(all.certificates.len(), 3);
        let offered = select_material(&s, Select::Offered, Endpoint::Database, None).unwrap();
        assert_eq!(
            names(&offered),
            ["Amazon RDS eu-central-2 Root CA RSA2048 G1"]
        );
    }

    #[test]
    fn a_partition_offers_every_root_and_has_no_single_root() {
        let s = selection(None, Some("aws-us-gov"), None);
        let all = select_material(&s, Select::All, Endpoint::Database, None).unwrap();
        let offered = select_material(&s, Select::Offered, Endpoint::Database, None).unwrap();
        assert!(all.certificates.len() > offered.certificates.len());
        assert!(offered.certificates.iter().all(|c| c.is_root));
        let e = select_material(&s, Select::Root, Endpoint::Database, None).unwrap_err();
        assert!(e.starts_with("--select root needs --region"), "{e}");
        let china = select_material(
            &selection(None, Some("aws-cn"), None),
            Select::All,
            Endpoint::Database,
            None,
        )
        .unwrap_err();
        assert!(china.contains("Use --download"), "{china}");
    }

    #[test]
    fn downloaded_certificates_are_chosen_by_the_same_rule() {
        let s = selection(Some("us-east-1"), None, Some("rds-ca-rsa4096-g1"));
        let compiled = select_material(&s, Select::All, Endpoint::Database, None).unwrap();
        let from_url = select_material(
            &s,
            Select::Root,
            Endpoint::Database,
            Some(("https://mirror/x.pem", &compiled.certificates)),
        )
        .unwrap();
        assert_eq!(from_url.origin, "https://mirror/x.pem");
        assert_eq!(
            names(&from_url),
            ["Amazon RDS us-east-1 Root CA RSA4096 G1"]
        );
        let e = select_material(
            &s,
            Select::Root,
            Endpoint::Database,
            Some(("https://mirror/x.pem", &[])),
        )
        .unwrap_err();
        assert_eq!(e, "https://mirror/x.pem holds 0 certificate(s), none of them the root \"Amazon RDS us-east-1 Root CA RSA4096 G1\". A client trusting this bundle could not verify a database that uses rds-ca-rsa4096-g1.");
    }

    #[test]
    fn proxy_and_both_add_the_amazon_roots() {
        let s = selection(Some("eu-west-1"), None, None);
        let proxy = select_material(&s, Select::Offered, Endpoint::Proxy, None).unwrap();
        assert_eq!(
            names(&proxy),
            [
                "Amazon Root CA 1",
                "Amazon Root CA 2",
                "Amazon Root CA 3",
                "Amazon Root CA 4",
                "Starfield Services Root Certificate Authority - G2"
            ]
        );
        assert!(proxy.warnings.is_empty());
        let both = select_material(&s, Select::Offered, Endpoint::Both, None).unwrap();
        assert_eq!(
            names(&both)[..3],
            [
                "Amazon RDS eu-west-1 Root CA RSA2048 G1",
                "Amazon RDS eu-west-1 Root CA RSA4096 G1",
                "Amazon RDS eu-west-1 Root CA ECC384 G1"
            ]
        );
        assert_eq!(both.certificates[3..], proxy.certificates[..]);
        let e = select_material(&s, Select::Root, Endpoint::Proxy, None).unwrap_err();
        assert!(e.contains("no single root"), "{e}");
        let root = select_material(&s, Select::Root, Endpoint::Both, None).unwrap();
        assert_eq!(names(&root), ["Amazon RDS eu-west-1 Root CA RSA2048 G1"]);
        // AWS China: no compiled-in RDS set, yet the Amazon roots, with a warning.
        let china = selection(Some("cn-north-1"), None, None);
        let m = select_material(&china, Select::Offered, Endpoint::Proxy, None).unwrap();
        assert_eq!(m.certificates.len(), 5);
        assert_eq!(
            m.warnings[0].summary,
            "RDS Proxy trust is unverified in aws-cn"
        );
    }

    #[test]
    fn a_mirror_replaces_the_truststore_host() {
        let s = selection(Some("eu-west-1"), None, None);
        assert_eq!(
            mirrored(&s, Some("https://mirror.example.com/rds")),
            "https://mirror.example.com/rds/eu-west-1/eu-west-1-bundle.pem"
        );
        assert_eq!(mirrored(&s, None), s.pem_url());
        assert_eq!(
            parse_base_url("https://m.example/rds/").unwrap(),
            "https://m.example/rds"
        );
        assert!(parse_base_url("http://m.example")
            .unwrap_err()
            .contains("HTTPS only"));
        assert!(parse_sha256("abc")
            .unwrap_err()
            .contains("64 hexadecimal digits"));
    }
}
