variable "region" {
  type    = string
  default = "eu-central-2"
}

variable "ca" {
  type    = string
  default = "rds-ca-rsa2048-g1"
}

# Fails the plan when the CA is not offered in the Region. (On Terraform >= 1.9 the same
# condition can be a `validation` block in variable "ca", since it may then refer to var.region.)
output "ca_cert_identifier" {
  value = var.ca

  precondition {
    condition     = provider::rdsca::ca_available(var.region, var.ca)
    error_message = "RDS does not offer this CA in the chosen Region."
  }
}

output "ecc_in_zurich" {
  value = provider::rdsca::ca_available("eu-central-2", "rds-ca-ecc384-g1") # false
}
