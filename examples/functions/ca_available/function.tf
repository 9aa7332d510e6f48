variable "region" {
  type    = string
  default = "eu-central-2"
}

variable "ca" {
  type    = string
  default = "rds-ca-rsa2048-g1"

  validation {
    condition     = provider::rdsca::ca_available(var.region, var.ca)
    error_message = "RDS does not offer this CA in the chosen Region."
  }
}

output "ecc_in_zurich" {
  value = provider::rdsca::ca_available("eu-central-2", "rds-ca-ecc384-g1") # false
}
