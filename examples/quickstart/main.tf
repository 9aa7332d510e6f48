# Quick start: the CA bundle for a database's Region, with the CA choice validated at plan time.
# Run it with `bash scripts/run-example.sh` (builds the provider, then terraform init + plan).
terraform {
  required_providers {
    rdsca = {
      source = "rdsca/rdsca"
    }
  }
}

variable "region" {
  description = "The AWS Region of the database."
  type        = string
  default     = "eu-west-1"
}

variable "ca" {
  description = "The RDS CA for the database (ca_cert_identifier)."
  type        = string
  default     = "rds-ca-ecc384-g1"
}

data "rdsca_bundle" "db" {
  region        = var.region
  ca_identifier = var.ca
  # The certificates come from the RDS roots compiled into the provider: this quick start needs
  # no network access. content_source = "download" fetches AWS's bundle instead (verified).

  # Checked before the data source is read. (A `validation` block in variable "ca" referring to
  # var.region would do the same, but needs Terraform >= 1.9; this runs on 1.8.)
  lifecycle {
    precondition {
      condition     = provider::rdsca::ca_available(var.region, var.ca)
      error_message = "RDS does not offer this CA in the chosen Region: see docs/guides/regions.md."
    }
  }
}

output "region" {
  value = "${data.rdsca_bundle.db.id} (${data.rdsca_bundle.db.region_name})"
}

output "ca_cert_identifier" {
  value = data.rdsca_bundle.db.ca_identifier
}

output "bundle_pem_url" {
  value = data.rdsca_bundle.db.pem_url
}

output "bundle_p7b_url" {
  value = data.rdsca_bundle.db.p7b_url
}

# The one root a client of this database must trust: `terraform output -raw root_pem > rds-root.pem`.
output "root_pem" {
  value = data.rdsca_bundle.db.root_pem
}

output "root_sha256_fingerprint" {
  value = data.rdsca_bundle.db.root_sha256_fingerprint
}

output "cas_offered_in_region" {
  value = data.rdsca_bundle.db.available_ca_identifiers
}

output "global_bundle_url" {
  value = provider::rdsca::bundle_url("aws")
}
