# Two EKS clusters with managed node groups taken from the environment.
# Each node carries the label perfplane.io/node-group=<group name>, which
# the Helm values and TestRuns use as a nodeSelector.

locals {
  admin_access_entries = {
    for index, arn in distinct(var.admin_principal_arns) : "admin-${index}" => {
      principal_arn = arn
      policy_associations = {
        admin = {
          policy_arn   = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }

  cluster_addons = {
    coredns                = {}
    kube-proxy             = {}
    vpc-cni                = { before_compute = true }
    eks-pod-identity-agent = { before_compute = true }
  }
}

module "mojaloop_eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.3.1"

  name               = var.mojaloop_cluster.name
  kubernetes_version = var.mojaloop_cluster.kubernetes_version

  # CodeBuild runs outside the VPC, so the API endpoint is public; access
  # still needs an IAM principal with an access entry.
  endpoint_public_access                   = true
  enable_cluster_creator_admin_permissions = false
  access_entries                           = local.admin_access_entries
  addons                                   = local.cluster_addons

  vpc_id     = module.mojaloop_vpc.vpc_id
  subnet_ids = module.mojaloop_vpc.private_subnets

  # Load from the k6 VPC reaches pods and internal load balancer targets on
  # the nodes' security group.
  node_security_group_additional_rules = {
    k6_vpc = {
      description = "Load from the k6 VPC through the peering"
      type        = "ingress"
      protocol    = "tcp"
      from_port   = 0
      to_port     = 65535
      cidr_blocks = [var.k6_cluster.vpc_cidr]
    }
  }

  eks_managed_node_groups = {
    for name, group in var.mojaloop_cluster.node_groups : name => {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = [group.instance_type]
      min_size       = group.min_size
      max_size       = group.max_size
      desired_size   = group.desired_size
      labels         = { "perfplane.io/node-group" = name }

      block_device_mappings = {
        xvda = {
          device_name = "/dev/xvda"
          ebs = {
            volume_size           = group.disk_gib
            volume_type           = "gp3"
            delete_on_termination = true
          }
        }
      }

      # The EBS CSI driver installed by 03-kubernetes uses the node role.
      iam_role_additional_policies = {
        ebs_csi = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
      }
    }
  }

  tags = local.tags
}

module "k6_eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.3.1"

  name               = var.k6_cluster.name
  kubernetes_version = var.k6_cluster.kubernetes_version

  endpoint_public_access                   = true
  enable_cluster_creator_admin_permissions = false
  access_entries                           = local.admin_access_entries
  addons                                   = local.cluster_addons

  vpc_id     = module.k6_vpc.vpc_id
  subnet_ids = module.k6_vpc.private_subnets

  eks_managed_node_groups = {
    for name, group in var.k6_cluster.node_groups : name => {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = [group.instance_type]
      min_size       = group.min_size
      max_size       = group.max_size
      desired_size   = group.desired_size
      labels         = { "perfplane.io/node-group" = name }

      block_device_mappings = {
        xvda = {
          device_name = "/dev/xvda"
          ebs = {
            volume_size           = group.disk_gib
            volume_type           = "gp3"
            delete_on_termination = true
          }
        }
      }
    }
  }

  tags = local.tags
}
