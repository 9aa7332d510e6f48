# The bundle for the Region of a database, with its CA choice checked at plan time.
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

# The GovCloud global bundle: every GovCloud Region's roots.
data "rdsca_bundle" "govcloud" {
  partition = "aws-us-gov"
}

output "govcloud_global_p7b_url" {
  value = data.rdsca_bundle.govcloud.p7b_url
}
