# The fleet audit. Reading rdsca_databases calls the RDS API with AWS credentials from the
# standard chain; the identity needs rds:DescribeDBInstances, rds:DescribeDBClusters,
# rds:DescribePendingMaintenanceActions and rds:DescribeDBEngineVersions (read-only).

# In a check block, the audit is continuous validation: a database within fail_days (or on a CA
# outside allowed_cas) is reported as a warning by every plan and by HCP Terraform's health
# checks, without blocking unrelated changes.
check "rds_server_certificates" {
  data "rdsca_databases" "fleet" {
    regions     = ["eu-west-1", "us-east-1"]
    warn_days   = 60
    fail_days   = 14
    allowed_cas = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"]
  }

  assert {
    condition     = length([for db in data.rdsca_databases.fleet.databases : db if db.status == "fail"]) == 0
    error_message = "Databases fail the CA audit: ${join(", ", [for db in data.rdsca_databases.fleet.databases : "${db.region}/${db.identifier} (${db.valid_till})" if db.status == "fail"])}."
  }
}

# Outside a check block, a database past fail_days stops the plan (an error naming it, its
# deadline and the ca_cert_identifier to apply); one past warn_days is a warning.
data "rdsca_databases" "payments" {
  region    = "eu-west-1"
  engine    = "postgres"
  tags      = { Team = "payments" }
  warn_days = 30
  fail_days = 7
}

# What to apply, database by database, and whether applying it restarts the database.
output "rotations" {
  value = {
    for db in data.rdsca_databases.payments.databases :
    db.identifier => "${db.fix_ca_identifier} (restarts: ${db.fix_restarts})"
    if db.fix_ca_identifier != null
  }
}

output "soonest_deadline" {
  value = {
    database = data.rdsca_databases.payments.soonest_database
    deadline = data.rdsca_databases.payments.soonest_deadline
  }
}

output "databases_per_ca" {
  value = { for ca in data.rdsca_databases.payments.summary : ca.ca_identifier => ca.databases }
}
