//! `provider::rdsca::bundle_url(region, format...)`: a Region's (or a partition's global) bundle URL.

use async_trait::async_trait;
use tf_provider::schema::{FunctionSchema, Type};
use tf_provider::{Diagnostics, Function};

use super::{fail, string_param};
use rdsca_table::selection::{self, Problem};
use rdsca_table::Partition;

pub struct BundleUrl;

/// The URL for `target` (a Region code, or a partition id for its global bundle) in `format`.
pub fn bundle_url(target: &str, format: &str) -> Result<&'static str, Problem> {
    let (pem, p7b) = match Partition::get(target) {
        Some(p) => (p.global_pem_url, p.global_p7b_url),
        None => {
            let r = selection::region("region", target)?;
            (r.pem_url, r.p7b_url)
        }
    };
    match format {
        "pem" => Ok(pem),
        "p7b" | "pkcs7" => p7b.ok_or_else(|| Problem {
            attribute: "format",
            summary: format!("No PKCS#7 bundle is documented for {target}"),
            detail: format!("AWS documents only the PEM bundle for {target}: use \"pem\"."),
        }),
        other => Err(Problem {
            attribute: "format",
            summary: format!("Unknown bundle format \"{other}\""),
            detail: "Allowed values: \"pem\" (the default) and \"p7b\" (PKCS#7).".into(),
        }),
    }
}

#[async_trait]
impl Function for BundleUrl {
    type Input<'a> = Vec<String>;
    type Output<'a> = String;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(FunctionSchema {
            parameters: vec![string_param(
                "region",
                "AWS Region code, for example `eu-west-1`, or a partition (`aws`, `aws-us-gov`, `aws-cn`) for its global bundle.",
            )],
            variadic: Some(string_param("format", "Optional: `pem` (the default) or `p7b` for the PKCS#7 bundle. At most one.")),
            return_type: Type::String,
            summary: "The HTTPS URL of an RDS CA bundle".into(),
            description: tf_provider::schema::Description::markdown(
                "Returns the URL of the RDS CA bundle for a Region, or of a partition's global bundle: \
                 `provider::rdsca::bundle_url(\"eu-west-1\")`, `provider::rdsca::bundle_url(\"eu-west-1\", \"p7b\")`, \
                 `provider::rdsca::bundle_url(\"aws-us-gov\")`. An unknown Region is an error that suggests the closest codes.",
            ),
            ..Default::default()
        })
    }

    async fn call<'a>(
        &self,
        diags: &mut Diagnostics,
        params: Self::Input<'a>,
    ) -> Option<Self::Output<'a>> {
        let (target, formats) = params.split_first()?;
        if formats.len() > 1 {
            diags.function_error(
                2,
                format!("bundle_url takes at most one format, got {}", formats.len()),
            );
            return None;
        }
        let format = formats.first().map_or("pem", String::as_str);
        match bundle_url(target, format) {
            Ok(url) => Some(url.to_string()),
            Err(p) => {
                let index = if p.attribute == "format" { 1 } else { 0 };
                fail(diags, index, p);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_partition_and_formats() {
        assert_eq!(
            bundle_url("us-east-1", "pem").unwrap(),
            "https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem"
        );
        assert_eq!(bundle_url("us-gov-east-1", "p7b").unwrap(), "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/us-gov-east-1/us-gov-east-1-bundle.p7b");
        assert_eq!(
            bundle_url("aws-us-gov", "pem").unwrap(),
            "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.pem"
        );
        let e = bundle_url("eu-west-1", "der").unwrap_err();
        assert_eq!(e.summary, "Unknown bundle format \"der\"");
        assert_eq!(
            bundle_url("cn-northwest-1", "pem").unwrap(),
            "https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/cn-northwest-1/cn-northwest-1-bundle.pem"
        );
        assert_eq!(
            bundle_url("aws-cn", "pem").unwrap(),
            "https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/global/global-bundle.pem"
        );
        let e = bundle_url("cn-north-1", "p7b").unwrap_err();
        assert_eq!(e.summary, "No PKCS#7 bundle is documented for cn-north-1");
        let e = bundle_url("mumbai", "pem").unwrap_err();
        assert!(
            e.detail.contains("Did you mean \"ap-south-1\"?"),
            "{}",
            e.detail
        );
    }
}
