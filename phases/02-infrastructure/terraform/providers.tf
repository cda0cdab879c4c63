provider "aws" {
  region = var.region

  # Every resource the provider creates carries these tags, so leftovers can
  # be found by environment and run after a failed destroy.
  default_tags {
    tags = local.tags
  }
}

data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  tags = merge(var.tags, {
    "perfplane:environment" = var.environment
    "perfplane:run"         = var.run_id
    "perfplane:phase"       = "02-infrastructure"
  })

  azs = slice(data.aws_availability_zones.available.names, 0, var.availability_zone_count)
}
