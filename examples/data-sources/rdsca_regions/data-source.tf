# Every commercial Region where RDS offers the ECC P-384 CA.
data "rdsca_regions" "ecc" {
  partition     = "aws"
  ca_identifier = "rds-ca-ecc384-g1"
}

output "ecc_regions" {
  value = data.rdsca_regions.ecc.codes
}
