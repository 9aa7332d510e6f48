# The engine check, next to the Region check. Reading rdsca_engine_ca calls the RDS API
# (DescribeDBEngineVersions, DescribeCertificates) with AWS credentials from the standard chain;
# rdsca_bundle needs none.

data "rdsca_bundle" "db" {
  region        = "eu-west-1"
  ca_identifier = "rds-ca-ecc384-g1" # the Region must offer it
  fetch_content = false
}

data "rdsca_engine_ca" "db" {
  region         = "eu-west-1"
  engine         = "postgres"
  engine_version = "16.3"
  ca_identifier  = data.rdsca_bundle.db.ca_identifier # and postgres 16.3 must support it there
}

# Give the checked CA to the database:
#
#   resource "aws_db_instance" "db" {
#     engine             = data.rdsca_engine_ca.db.engine
#     engine_version     = data.rdsca_engine_ca.db.engine_version
#     ca_cert_identifier = data.rdsca_engine_ca.db.ca_identifier
#     # ...
#   }

output "ca_cert_identifier" {
  value = data.rdsca_engine_ca.db.ca_identifier
}

output "supported_cas" {
  value = data.rdsca_engine_ca.db.supported_ca_identifiers
}

output "rotation_without_restart" {
  value = data.rdsca_engine_ca.db.supports_certificate_rotation_without_restart
}

output "account_default_ca" {
  value = "${data.rdsca_engine_ca.db.default_ca_identifier} (${data.rdsca_engine_ca.db.default_ca_source})"
}
