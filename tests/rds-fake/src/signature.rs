//! The SigV4 signature check, when a test registers secrets: the request is signed again with
//! the secret of its access key (aws-sigv4: the same method, URL, signed headers, body and
//! `X-Amz-Date`), and the signatures must be equal. It catches a client that signs something
//! other than what it sends. Headers aws-sigv4 never signs (`user-agent`, `x-amzn-trace-id`)
//! cannot be checked this way; no client of this project signs them.

use std::time::SystemTime;

use crate::query::ApiError;
use crate::Request;

/// `Name=value` of the Authorization header's comma-separated parts.
fn part<'a>(authorization: &'a str, name: &str) -> Option<&'a str> {
    authorization
        .split([',', ' '])
        .map(str::trim)
        .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
}

/// `20261202T120000Z`.
fn amz_date(value: &str) -> Option<SystemTime> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| value.get(r)?.parse::<u16>().ok();
    let date = time::Date::from_calendar_date(
        i32::from(n(0..4)?),
        time::Month::try_from(n(4..6)? as u8).ok()?,
        n(6..8)? as u8,
    )
    .ok()?;
    let at = time::Time::from_hms(n(9..11)? as u8, n(11..13)? as u8, n(13..15)? as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, at).assume_utc().into())
}

fn mismatch() -> ApiError {
    ApiError::sender(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    )
}

/// Whether `request`, signed by the holder of `secret`, carries the signature it should.
pub fn verify(request: &Request, access_key: &str, secret: &str) -> Result<(), ApiError> {
    let header = |name: &str| request.headers.get(name).map(String::as_str);
    let authorization = header("authorization").unwrap_or_default();
    let (Some(signed), Some(signature), Some(date)) = (
        part(authorization, "SignedHeaders"),
        part(authorization, "Signature"),
        header("x-amz-date").and_then(amz_date),
    ) else {
        return Err(mismatch());
    };
    let host = header("host").unwrap_or_default();
    let url = if request.query.is_empty() {
        format!("http://{host}{}", request.path)
    } else {
        format!("http://{host}{}?{}", request.path, request.query)
    };
    // aws-sigv4 adds host, x-amz-date and the session token itself.
    let headers: Vec<(&str, &str)> = signed
        .split(';')
        .filter(|h| !matches!(*h, "host" | "x-amz-date" | "x-amz-security-token"))
        .map(|h| (h, header(h).unwrap_or_default()))
        .collect();
    let identity = aws_credential_types::Credentials::new(
        access_key,
        secret,
        header("x-amz-security-token").map(str::to_string),
        None,
        "rdsca-rds-fake",
    )
    .into();
    let region = request
        .scope
        .as_ref()
        .map(|(_, region, _)| region.as_str())
        .unwrap_or_default();
    let Ok(params) = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("rds")
        .time(date)
        .settings(aws_sigv4::http_request::SigningSettings::default())
        .build()
    else {
        return Err(mismatch());
    };
    let Ok(signable) = aws_sigv4::http_request::SignableRequest::new(
        &request.method,
        &url,
        headers.into_iter(),
        aws_sigv4::http_request::SignableBody::Bytes(request.body.as_bytes()),
    ) else {
        return Err(mismatch());
    };
    let Ok(output) = aws_sigv4::http_request::sign(signable, &params.into()) else {
        return Err(mismatch());
    };
    let (instructions, _) = output.into_parts();
    let expected = instructions
        .headers()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| part(value, "Signature").map(str::to_string));
    if expected.as_deref() == Some(signature) {
        Ok(())
    } else {
        Err(mismatch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorization_parts_and_the_date_are_read() {
        let a = "AWS4-HMAC-SHA256 Credential=AKID/20261202/eu-west-1/rds/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=abc123";
        assert_eq!(
            part(a, "SignedHeaders"),
            Some("content-type;host;x-amz-date")
        );
        assert_eq!(part(a, "Signature"), Some("abc123"));
        assert_eq!(
            amz_date("20261202T120000Z"),
            Some(time::macros::datetime!(2026-12-02 12:00:00 UTC).into())
        );
        assert_eq!(amz_date("2026-12-02T12:00:00Z"), None);
        assert_eq!(amz_date("20261332T120000Z"), None);
    }
}
