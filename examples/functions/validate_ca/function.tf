locals {
  region = "ap-northeast-1"
  # Fails the plan, with the CAs the Region offers, when the CA is not offered there.
  ca = provider::rdsca::validate_ca(local.region, "rds-ca-rsa4096-g1")
}

output "ca_cert_identifier" {
  value = local.ca
}
