# `terraform test` for a module that takes a database's Region and CA.

run "an_offered_ca_plans_with_its_root" {
  command = plan

  variables {
    db = {
      region = "eu-west-1"
      ca     = "rds-ca-ecc384-g1"
    }
  }

  assert {
    condition     = data.rdsca_bundle.db.ca_availability == "offered"
    error_message = "rds-ca-ecc384-g1 must be offered in eu-west-1."
  }

  assert {
    condition     = strcontains(output.root_pem, "-----BEGIN CERTIFICATE-----")
    error_message = "The module must expose the root certificate."
  }

  assert {
    condition     = length(regexall("BEGIN CERTIFICATE", output.root_pem)) == 1
    error_message = "root_pem holds exactly one certificate."
  }
}

run "a_ca_the_region_lacks_is_rejected" {
  command = plan

  variables {
    db = {
      region = "ap-south-1"
      ca     = "rds-ca-ecc384-g1"
    }
  }

  expect_failures = [var.db]
}
