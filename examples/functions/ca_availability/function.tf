variable "region" {
  type    = string
  default = "ap-east-2"
}

variable "ca" {
  type    = string
  default = "rds-ca-ecc384-g1"
}

locals {
  # "offered", "not_offered" or "unverified" (no source confirms or rules it out).
  ca_availability = provider::rdsca::ca_availability(var.region, var.ca)
}

# Accept only CAs known to be offered, treating "unverified" as a failure too.
check "ca_is_offered" {
  assert {
    condition     = local.ca_availability == "offered"
    error_message = "${var.ca} is ${local.ca_availability} in ${var.region}: confirm with `aws rds describe-certificates --region ${var.region}`."
  }
}

output "ca_availability" {
  value = local.ca_availability # "unverified"
}

output "ecc_in_zurich" {
  value = provider::rdsca::ca_availability("eu-central-2", "rds-ca-ecc384-g1") # "not_offered"
}
