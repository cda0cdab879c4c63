# Outputs later phases read; scripts/deploy-steps.sh records them with
# pp_record under the same names.

output "region" {
  value = var.region
}

output "mojaloop_cluster_name" {
  value = module.mojaloop_eks.cluster_name
}

output "mojaloop_cluster_endpoint" {
  value = module.mojaloop_eks.cluster_endpoint
}

output "k6_cluster_name" {
  value = module.k6_eks.cluster_name
}

output "k6_cluster_endpoint" {
  value = module.k6_eks.cluster_endpoint
}

output "mojaloop_vpc_id" {
  value = module.mojaloop_vpc.vpc_id
}

output "mojaloop_vpc_cidr" {
  value = module.mojaloop_vpc.vpc_cidr_block
}

output "k6_vpc_id" {
  value = module.k6_vpc.vpc_id
}

output "k6_vpc_cidr" {
  value = module.k6_vpc.vpc_cidr_block
}

output "peering_connection_id" {
  value = aws_vpc_peering_connection.k6_to_mojaloop.id
}

output "rds_identifier" {
  value = module.rds.db_instance_identifier
}

output "rds_address" {
  value = module.rds.db_instance_address
}

output "rds_port" {
  value = module.rds.db_instance_port
}

# ARN only: the secret's value stays in Secrets Manager.
output "rds_master_secret_arn" {
  value = module.rds.db_instance_master_user_secret_arn
}
