terraform {
  required_providers {
    rdsca = {
      source = "rdsca/rdsca"
    }
  }
}

# No settings are needed: the Region table is built in. These only govern how
# rdsca_bundle fetches bundle content.
provider "rdsca" {}
