# A module that validates its database's CA choice with the rdsca provider, and the
# `terraform test` file beside it (tests/rds_ca.tftest.hcl) that you can copy into your own
# module: `terraform init && terraform test`.
terraform {
  required_providers {
    rdsca = {
      source = "rdsca/rdsca"
    }
  }
}

variable "db" {
  description = "Where the database runs and the CA it uses."
  type = object({
    region = string
    ca     = string
  })

  validation {
    condition     = provider::rdsca::ca_available(var.db.region, var.db.ca)
    error_message = "RDS does not offer this CA in this Region."
  }
}

data "rdsca_bundle" "db" {
  region        = var.db.region
  ca_identifier = var.db.ca
}

output "ca_cert_identifier" {
  value = data.rdsca_bundle.db.ca_identifier
}

output "root_pem" {
  value = data.rdsca_bundle.db.root_pem
}
