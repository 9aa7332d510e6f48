# A database's Region: bundle URLs, the CA choice checked at plan time, and the one root a client
# must trust, from the RDS certificates compiled into the provider (no network).
data "rdsca_bundle" "db" {
  region        = "eu-west-1"
  ca_identifier = "rds-ca-ecc384-g1"
}

output "bundle_pem_url" {
  value = data.rdsca_bundle.db.pem_url
}

output "ca_cert_identifier" {
  value = data.rdsca_bundle.db.ca_identifier
}

# All a client needs: `terraform output -raw root_pem > rds-root.pem`.
output "root_pem" {
  value = data.rdsca_bundle.db.root_pem
}

# A trust store that survives a change of CA: the roots of every CA the Region offers.
output "offered_roots_pem" {
  value = data.rdsca_bundle.db.offered_roots_pem
}

# An application that connects through RDS Proxy (an ACM certificate, chaining to the Amazon Trust
# Services roots) and to the database directly (the RDS root): one set of roots for both.
# endpoint = "proxy" gives the Amazon roots alone (and no root_pem: a proxy has no single RDS root).
data "rdsca_bundle" "app" {
  region        = "eu-west-1"
  ca_identifier = "rds-ca-ecc384-g1"
  endpoint      = "both"
}

# `terraform output -raw app_trusted_roots_pem > db-trust.pem`, then
# psql "host=<proxy or database endpoint> sslmode=verify-full sslrootcert=db-trust.pem ..."
output "app_trusted_roots_pem" {
  value = data.rdsca_bundle.app.offered_roots_pem
}

output "app_trusted_root_names" {
  value = [for c in data.rdsca_bundle.app.certificates : c.common_name]
}

# The commercial partition's global set (every Region's roots, as in AWS's global bundle). AWS
# advises trust stores to register the root certificates only: roots_pem holds just those.
data "rdsca_bundle" "global" {}

output "root_count" {
  value = length([for c in data.rdsca_bundle.global.certificates : c if c.is_root])
}

output "soonest_expiry" {
  value = data.rdsca_bundle.global.soonest_not_after
}

# content_source = "download" fetches the bundle as AWS serves it instead, verified against the
# compiled-in roots and cached; expected_sha256 then pins it.

# The GovCloud global bundle's URL: every GovCloud Region's roots.
data "rdsca_bundle" "govcloud" {
  partition      = "aws-us-gov"
  content_source = "none"
}

output "govcloud_global_p7b_url" {
  value = data.rdsca_bundle.govcloud.p7b_url
}
