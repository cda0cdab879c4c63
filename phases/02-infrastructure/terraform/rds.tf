# MySQL for the Mojaloop central ledger, in the Mojaloop VPC's private
# subnets and reachable only from that VPC. The master password is kept in
# Secrets Manager by RDS itself and never passes through Terraform output.

resource "aws_security_group" "rds" {
  name        = "${var.mojaloop_cluster.name}-mysql"
  description = "MySQL from the Mojaloop VPC"
  vpc_id      = module.mojaloop_vpc.vpc_id

  ingress {
    description = "MySQL from the Mojaloop VPC"
    protocol    = "tcp"
    from_port   = 3306
    to_port     = 3306
    cidr_blocks = [var.mojaloop_cluster.vpc_cidr]
  }

  tags = merge(local.tags, { Name = "${var.mojaloop_cluster.name}-mysql" })
}

module "rds" {
  source  = "terraform-aws-modules/rds/aws"
  version = "6.13.1"

  identifier = "${var.mojaloop_cluster.name}-mysql"

  engine               = "mysql"
  engine_version       = var.rds.engine_version
  family               = "mysql${var.rds.engine_version}"
  major_engine_version = var.rds.engine_version
  instance_class       = var.rds.instance_class
  allocated_storage    = var.rds.allocated_storage_gib
  storage_type         = "gp3"
  storage_encrypted    = true
  multi_az             = var.rds.multi_az

  db_name                     = "central_ledger"
  username                    = "perfplane"
  port                        = 3306
  manage_master_user_password = true

  create_db_subnet_group = true
  subnet_ids             = module.mojaloop_vpc.private_subnets
  vpc_security_group_ids = [aws_security_group.rds.id]

  # rollback.sh turns deletion protection off in a step of its own and
  # applies a final snapshot name that carries the rollback's run id, so
  # two rollbacks never collide on the snapshot name.
  deletion_protection              = var.rds.deletion_protection
  skip_final_snapshot              = false
  final_snapshot_identifier_prefix = "${var.mojaloop_cluster.name}-final-${var.run_id}"

  tags = local.tags
}
