# Peering between the k6 VPC (requester) and the Mojaloop VPC (accepter).
# Both sit in the same account and Region, so the request is accepted
# in place. k6 reaches the switch's internal load balancer over it.

resource "aws_vpc_peering_connection" "k6_to_mojaloop" {
  vpc_id      = module.k6_vpc.vpc_id
  peer_vpc_id = module.mojaloop_vpc.vpc_id
  auto_accept = true

  accepter {
    allow_remote_vpc_dns_resolution = true
  }

  requester {
    allow_remote_vpc_dns_resolution = true
  }

  tags = merge(local.tags, { Name = "${var.k6_cluster.name}-to-${var.mojaloop_cluster.name}" })
}

# Routes from the Mojaloop VPC to the k6 VPC, in every route table, so
# replies leave through the peering whichever subnet answers.
resource "aws_route" "mojaloop_to_k6" {
  count = length(local.mojaloop_vpc_route_tables)

  route_table_id            = local.mojaloop_vpc_route_tables[count.index]
  destination_cidr_block    = var.k6_cluster.vpc_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.k6_to_mojaloop.id
}

# Routes from the k6 VPC to the Mojaloop VPC.
resource "aws_route" "k6_to_mojaloop" {
  count = length(local.k6_vpc_route_tables)

  route_table_id            = local.k6_vpc_route_tables[count.index]
  destination_cidr_block    = var.mojaloop_cluster.vpc_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection.k6_to_mojaloop.id
}

# count, not for_each: the route table ids are unknown until apply, but how
# many there are is known at plan time.
locals {
  mojaloop_vpc_route_tables = concat(module.mojaloop_vpc.private_route_table_ids, module.mojaloop_vpc.public_route_table_ids)
  k6_vpc_route_tables       = concat(module.k6_vpc.private_route_table_ids, module.k6_vpc.public_route_table_ids)
}
