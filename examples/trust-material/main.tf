# Trust material for database clients, with no network access: the one root the database's CA
# chains to, the roots of every CA its Region offers, a check that warns before a root or an
# intermediate expires, and a precondition on the CA choice.
#
#   terraform apply
#   terraform output -raw root_pem > rds-root.pem              # psql sslrootcert=rds-root.pem
#   terraform output -raw offered_roots_pem > rds-roots.pem    # survives a change of CA
#   terraform output -raw truststore_pkcs12 | base64 -d > rds-truststore.p12
#   java -Djavax.net.ssl.trustStore=rds-truststore.p12 -Djavax.net.ssl.trustStoreType=PKCS12 \
#        -Djavax.net.ssl.trustStorePassword=changeit ...
terraform {
  required_providers {
    rdsca = {
      source = "rdsca/rdsca"
    }
  }
}

variable "db" {
  description = "Where the database runs and the CA it uses (ca_cert_identifier)."
  type = object({
    region = string
    ca     = string
  })
  default = {
    region = "eu-central-1"
    ca     = "rds-ca-rsa4096-g1"
  }
}

variable "truststore_password" {
  description = "Password of the Java trust store (changeit is Java's customary one: trust stores hold no secrets)."
  type        = string
  sensitive   = true
  default     = "changeit"
}

variable "expiry_warning_days" {
  description = "Warn when a certificate of the set expires within this many days."
  type        = number
  default     = 90
}

data "rdsca_bundle" "db" {
  region              = var.db.region
  ca_identifier       = var.db.ca
  truststore_password = var.truststore_password

  lifecycle {
    # The provider already fails the plan when the Region lacks the CA; this also refuses a CA
    # whose availability no source confirms ("unverified").
    precondition {
      condition     = provider::rdsca::ca_availability(var.db.region, var.db.ca) == "offered"
      error_message = "Choose a CA that RDS is known to offer in ${var.db.region}."
    }
  }
}

# A failed check is a warning: the plan goes on.
check "rds_certificates_not_expiring" {
  assert {
    condition     = timecmp(data.rdsca_bundle.db.soonest_not_after, timeadd(plantimestamp(), "${var.expiry_warning_days * 24}h")) > 0
    error_message = "An RDS certificate for ${var.db.region} expires on ${data.rdsca_bundle.db.soonest_not_after}, within ${var.expiry_warning_days} days."
  }
}

output "root_pem" {
  value = data.rdsca_bundle.db.root_pem
}

output "root_sha256_fingerprint" {
  value = data.rdsca_bundle.db.root_sha256_fingerprint
}

output "offered_roots_pem" {
  value = data.rdsca_bundle.db.offered_roots_pem
}

output "truststore_pkcs12" {
  value = data.rdsca_bundle.db.truststore_pkcs12
}
