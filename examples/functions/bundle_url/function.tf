output "eu_west_1_pem" {
  value = provider::rdsca::bundle_url("eu-west-1")
}

output "eu_west_1_pkcs7" {
  value = provider::rdsca::bundle_url("eu-west-1", "p7b")
}

# A partition instead of a Region gives its global bundle.
output "govcloud_global" {
  value = provider::rdsca::bundle_url("aws-us-gov")
}
