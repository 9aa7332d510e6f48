# A database's Region: bundle URLs and the CA choice, checked at plan time, without a download.
data "rdsca_bundle" "db" {
  region        = "eu-west-1"
  ca_identifier = "rds-ca-ecc384-g1"
  fetch_content = false
}

output "bundle_pem_url" {
  value = data.rdsca_bundle.db.pem_url
}

output "ca_cert_identifier" {
  value = data.rdsca_bundle.db.ca_identifier
}

# The commercial global bundle, downloaded, cached and parsed. AWS advises trust stores to
# register the root certificates only: roots_pem holds just those.
data "rdsca_bundle" "global" {}

output "trust_store_pem" {
  value = data.rdsca_bundle.global.roots_pem
}

output "root_count" {
  value = length([for c in data.rdsca_bundle.global.certificates : c if c.is_root])
}

output "soonest_expiry" {
  value = data.rdsca_bundle.global.soonest_not_after
}

# The GovCloud global bundle's URL: every GovCloud Region's roots.
data "rdsca_bundle" "govcloud" {
  partition     = "aws-us-gov"
  fetch_content = false
}

output "govcloud_global_p7b_url" {
  value = data.rdsca_bundle.govcloud.p7b_url
}
