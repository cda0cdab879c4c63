terraform {
  # 1.10 added S3-native state locking (use_lockfile), which replaces the
  # DynamoDB lock table.
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Bucket, key, region and use_lockfile come from -backend-config, written
  # by scripts/terraform.sh from the environment file.
  backend "s3" {}
}
