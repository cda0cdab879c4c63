variable "environment" {
  description = "perfplane environment name; tags every resource as perfplane:environment."
  type        = string
}

variable "run_id" {
  description = "Run that applied this state; tags resources and names the RDS final snapshot."
  type        = string
}

variable "region" {
  description = "AWS Region of both VPCs, clusters and the database."
  type        = string
}

variable "tags" {
  description = "Extra tags from the environment file's tags section."
  type        = map(string)
  default     = {}
}

variable "availability_zone_count" {
  description = "Availability Zones each VPC spans."
  type        = number
  default     = 3
}

variable "admin_principal_arns" {
  description = "IAM roles or users given cluster-admin access entries on both clusters, such as the CodeBuild service role."
  type        = list(string)
  default     = []
}

variable "mojaloop_cluster" {
  description = "Mojaloop VPC and EKS cluster, from aws.mojaloopCluster."
  type = object({
    name               = string
    kubernetes_version = string
    vpc_cidr           = string
    node_groups = map(object({
      instance_type = string
      min_size      = number
      max_size      = number
      desired_size  = number
      disk_gib      = number
    }))
  })
}

variable "k6_cluster" {
  description = "k6 VPC and EKS cluster, from aws.k6Cluster."
  type = object({
    name               = string
    kubernetes_version = string
    vpc_cidr           = string
    node_groups = map(object({
      instance_type = string
      min_size      = number
      max_size      = number
      desired_size  = number
      disk_gib      = number
    }))
  })
}

variable "rds" {
  description = "MySQL instance of the central ledger, from aws.rds."
  type = object({
    instance_class        = string
    allocated_storage_gib = number
    engine_version        = string
    multi_az              = bool
    deletion_protection   = bool
  })
}
