//! The two Query API answers the engine check reads, and the API's error document, parsed with
//! roxmltree. Only direct children are read: a `DBEngineVersion` nests other `EngineVersion`
//! elements (its upgrade targets).

use roxmltree::{Document, Node};

/// One `DBEngineVersion` of `DescribeDBEngineVersions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineVersion {
    pub engine: String,
    pub engine_version: String,
    pub supported_ca_identifiers: Vec<String>,
    pub supports_certificate_rotation_without_restart: Option<bool>,
}

/// One `Certificate` of `DescribeCertificates`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub identifier: String,
    pub customer_override: bool,
    pub valid_from: Option<String>,
    pub valid_till: Option<String>,
}

/// A page of results and the marker of the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub marker: Option<String>,
    /// `DefaultCertificateForNewLaunches` (DescribeCertificates only).
    pub default_for_new_launches: Option<String>,
}

/// `<ErrorResponse><Error><Code>…</Code><Message>…</Message></Error></ErrorResponse>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

pub(crate) fn children<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

pub(crate) fn text(node: Node, name: &str) -> Option<String> {
    child(node, name)
        .and_then(|c| c.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

pub(crate) fn flag(node: Node, name: &str) -> Option<bool> {
    text(node, name).map(|t| t.eq_ignore_ascii_case("true"))
}

/// The `<…Result>` element of a `<Action>Response` document.
pub(crate) fn result<'a, 'i>(doc: &'a Document<'i>, action: &str) -> Result<Node<'a, 'i>, String> {
    let root = doc.root_element();
    if root.tag_name().name() != format!("{action}Response") {
        return Err(format!(
            "expected a {action}Response document, got <{}>",
            root.tag_name().name()
        ));
    }
    child(root, &format!("{action}Result"))
        .ok_or_else(|| format!("{action}Response has no {action}Result"))
}

pub(crate) fn parse(body: &str) -> Result<Document<'_>, String> {
    Document::parse(body).map_err(|e| format!("the answer is not XML: {e}"))
}

pub fn engine_versions(body: &str) -> Result<Page<EngineVersion>, String> {
    let doc = parse(body)?;
    let result = result(&doc, "DescribeDBEngineVersions")?;
    let items = child(result, "DBEngineVersions")
        .map(|list| {
            children(list, "DBEngineVersion")
                .map(|v| EngineVersion {
                    engine: text(v, "Engine").unwrap_or_default(),
                    engine_version: text(v, "EngineVersion").unwrap_or_default(),
                    supported_ca_identifiers: child(v, "SupportedCACertificateIdentifiers")
                        .map(|l| {
                            children(l, "member")
                                .filter_map(|m| m.text())
                                .map(|t| t.trim().to_string())
                                .collect()
                        })
                        .unwrap_or_default(),
                    supports_certificate_rotation_without_restart: flag(
                        v,
                        "SupportsCertificateRotationWithoutRestart",
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Page {
        items,
        marker: text(result, "Marker"),
        default_for_new_launches: None,
    })
}

pub fn certificates(body: &str) -> Result<Page<Certificate>, String> {
    let doc = parse(body)?;
    let result = result(&doc, "DescribeCertificates")?;
    let items = child(result, "Certificates")
        .map(|list| {
            children(list, "Certificate")
                .map(|c| Certificate {
                    identifier: text(c, "CertificateIdentifier").unwrap_or_default(),
                    customer_override: flag(c, "CustomerOverride").unwrap_or(false),
                    valid_from: text(c, "ValidFrom"),
                    valid_till: text(c, "ValidTill"),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Page {
        items,
        marker: text(result, "Marker"),
        default_for_new_launches: text(result, "DefaultCertificateForNewLaunches"),
    })
}

/// The error of an `ErrorResponse` document, if the body is one.
pub fn error(body: &str) -> Option<ApiError> {
    let doc = Document::parse(body).ok()?;
    let root = doc.root_element();
    let error = if root.tag_name().name() == "Error" {
        root
    } else {
        child(root, "Error")?
    };
    Some(ApiError {
        code: text(error, "Code").unwrap_or_default(),
        message: text(error, "Message").unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_versions_read_direct_children_only() {
        let body = r#"<DescribeDBEngineVersionsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBEngineVersionsResult>
    <DBEngineVersions>
      <DBEngineVersion>
        <Engine>sqlserver-se</Engine>
        <EngineVersion>15.00.4236.7.v1</EngineVersion>
        <ValidUpgradeTarget><UpgradeTarget><EngineVersion>16.00.4085.2.v1</EngineVersion></UpgradeTarget></ValidUpgradeTarget>
        <SupportedCACertificateIdentifiers>
          <member>rds-ca-rsa2048-g1</member>
          <member>rds-ca-rsa4096-g1</member>
        </SupportedCACertificateIdentifiers>
        <SupportsCertificateRotationWithoutRestart>false</SupportsCertificateRotationWithoutRestart>
      </DBEngineVersion>
    </DBEngineVersions>
    <Marker>abc</Marker>
  </DescribeDBEngineVersionsResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</DescribeDBEngineVersionsResponse>"#;
        let page = engine_versions(body).unwrap();
        assert_eq!(page.marker.as_deref(), Some("abc"));
        assert_eq!(
            page.items,
            [EngineVersion {
                engine: "sqlserver-se".into(),
                engine_version: "15.00.4236.7.v1".into(),
                supported_ca_identifiers: vec![
                    "rds-ca-rsa2048-g1".into(),
                    "rds-ca-rsa4096-g1".into()
                ],
                supports_certificate_rotation_without_restart: Some(false),
            }]
        );
    }

    #[test]
    fn certificates_and_errors() {
        let body = r#"<DescribeCertificatesResponse><DescribeCertificatesResult>
  <DefaultCertificateForNewLaunches>rds-ca-ecc384-g1</DefaultCertificateForNewLaunches>
  <Certificates><Certificate>
    <CertificateIdentifier>rds-ca-ecc384-g1</CertificateIdentifier>
    <CustomerOverride>true</CustomerOverride>
    <ValidFrom>2021-05-21T22:06:59Z</ValidFrom><ValidTill>2121-05-21T23:06:59Z</ValidTill>
  </Certificate></Certificates>
</DescribeCertificatesResult></DescribeCertificatesResponse>"#;
        let page = certificates(body).unwrap();
        assert_eq!(
            page.default_for_new_launches.as_deref(),
            Some("rds-ca-ecc384-g1")
        );
        assert!(page.items[0].customer_override);
        assert_eq!(
            page.items[0].valid_till.as_deref(),
            Some("2121-05-21T23:06:59Z")
        );
        assert!(certificates("<Other/>").is_err());
        let e = error("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>bad</Message></Error></ErrorResponse>").unwrap();
        assert_eq!(e.code, "InvalidClientTokenId");
        assert_eq!(e.message, "bad");
    }
}
