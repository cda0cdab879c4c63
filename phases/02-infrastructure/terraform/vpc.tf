# One VPC per cluster. Private subnets (/20 each) hold the nodes; public
# subnets (/24 each) hold the NAT gateway and internet-facing load
# balancers. One NAT gateway per VPC keeps the Elastic IP and NAT quotas
# small; the load path between the VPCs goes through the peering, not NAT.

module "mojaloop_vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.1"

  name = "${var.mojaloop_cluster.name}-vpc"
  cidr = var.mojaloop_cluster.vpc_cidr
  azs  = local.azs

  private_subnets = [for index, _ in local.azs : cidrsubnet(var.mojaloop_cluster.vpc_cidr, 4, index)]
  public_subnets  = [for index, _ in local.azs : cidrsubnet(var.mojaloop_cluster.vpc_cidr, 8, 48 + index)]

  enable_nat_gateway   = true
  single_nat_gateway   = true
  enable_dns_hostnames = true
  enable_dns_support   = true

  public_subnet_tags  = { "kubernetes.io/role/elb" = "1" }
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = "1" }

  tags = local.tags
}

module "k6_vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.1"

  name = "${var.k6_cluster.name}-vpc"
  cidr = var.k6_cluster.vpc_cidr
  azs  = local.azs

  private_subnets = [for index, _ in local.azs : cidrsubnet(var.k6_cluster.vpc_cidr, 4, index)]
  public_subnets  = [for index, _ in local.azs : cidrsubnet(var.k6_cluster.vpc_cidr, 8, 48 + index)]

  enable_nat_gateway   = true
  single_nat_gateway   = true
  enable_dns_hostnames = true
  enable_dns_support   = true

  public_subnet_tags  = { "kubernetes.io/role/elb" = "1" }
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = "1" }

  tags = local.tags
}
