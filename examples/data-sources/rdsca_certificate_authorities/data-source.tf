data "rdsca_certificate_authorities" "all" {}

output "default_ca" {
  value = data.rdsca_certificate_authorities.all.default_ca_identifier
}

output "ca_keys" {
  value = { for ca in data.rdsca_certificate_authorities.all.certificate_authorities : ca.id => ca.curve != null ? ca.curve : "RSA ${ca.key_size}" }
}
