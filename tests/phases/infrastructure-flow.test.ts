import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeStubBin, runPhaseScript, STAND_IN_CREDENTIALS } from './run-script.js';

// Stand-ins for the AWS side. Each records its arguments in $CALLS so the
// test can check the order of the steps.
const awsStub = `
echo "aws $*" >> "$CALLS"
case "$*" in
  *"sts get-caller-identity"*--query\\ Account*) echo 123456789012 ;;
  *"sts get-caller-identity"*--query\\ Arn*) echo "arn:aws:sts::123456789012:assumed-role/perfplane-codebuild/build-1" ;;
  *"s3api head-bucket"*) exit 0 ;;
  *"s3 cp s3://"*".tflock"*) exit 1 ;;
  *"s3 cp - s3://"*) cat > /dev/null ;;
  *"eks describe-cluster"*) echo ACTIVE ;;
  *"eks list-nodegroups"*) echo "main" ;;
  *"eks describe-nodegroup"*) echo ACTIVE ;;
  *"eks update-kubeconfig"*) echo "{}" > "\${@: -3:1}" ;;
  *"rds describe-db-instances"*) echo available ;;
  *"describe-vpc-peering-connections"*) echo '{"VpcPeeringConnectionId":"pcx-1","Status":{"Code":"active"},"AccepterVpcInfo":{"VpcId":"vpc-m"},"RequesterVpcInfo":{"VpcId":"vpc-k"}}' ;;
  *"describe-route-tables"*) echo 2 ;;
  *"describe-vpcs"*) echo vpc-1 ;;
  *"describe-load-balancers"*|*"describe-network-interfaces"*) echo 0 ;;
  *"describe-volumes"*) echo "" ;;
  *"get-resources"*"--output text"*) echo "" ;;
  *"get-resources"*) echo '["arn:aws:rds:eu-west-1:123456789012:snapshot:perf-mojaloop-final-run-42-ab12"]' ;;
  *) echo "unexpected aws call: $*" >&2; exit 255 ;;
esac`;

const terraformStub = `
echo "terraform $*" >> "$CALLS"
shift # -chdir=...
command="$1"
shift
seen_positional=false
for arg in "$@"; do
  if [[ "$arg" == -* ]]; then
    if [[ "$seen_positional" == true ]]; then
      echo "flag $arg after a positional argument" >&2
      exit 1
    fi
  else
    seen_positional=true
  fi
done
case "$command" in
  init) exit 0 ;;
  plan) exit 2 ;;
  apply | destroy) exit 0 ;;
  output)
    printf '{'
    first=true
    for key in region mojaloop_cluster_name mojaloop_cluster_endpoint k6_cluster_name k6_cluster_endpoint mojaloop_vpc_id mojaloop_vpc_cidr k6_vpc_id k6_vpc_cidr peering_connection_id rds_identifier rds_address rds_port rds_master_secret_arn; do
      $first || printf ','
      first=false
      printf '"%s":{"value":"%s-value"}' "$key" "$key"
    done
    printf '}\\n'
    ;;
  *) echo "unexpected terraform $command" >&2; exit 1 ;;
esac`;

const kubectlStub = `
echo "kubectl $*" >> "$CALLS"
case "$*" in
  "get services -A -o json") echo '{"items":[{"metadata":{"namespace":"ingress-nginx","name":"controller"},"spec":{"type":"LoadBalancer"}}]}' ;;
  api-resources*) echo ingresses ;;
  delete*) ;;
  *) echo '{"items":[{"status":{"conditions":[{"type":"Ready","status":"True"}]}}]}' ;;
esac`;

/** Runs a 02-infrastructure script against the stand-ins and returns its output and calls. */
function runWithStubs(script: string, args: string[], env: Record<string, string> = {}) {
  const bin = makeStubBin({ aws: awsStub, terraform: terraformStub, kubectl: kubectlStub });
  const calls = path.join(bin, 'calls.log');
  const home = path.join(bin, 'home');
  const result = runPhaseScript(script, ['--env', 'aws-1000tps', ...args], {
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    CALLS: calls,
    PERFPLANE_HOME: home,
    ...STAND_IN_CREDENTIALS,
    ...env,
  });
  const log = readFileSync(calls, 'utf8').split('\n');
  const tfvars = JSON.parse(
    readFileSync(
      path.join(home, 'work/aws-1000tps/02-infrastructure/terraform.tfvars.json'),
      'utf8',
    ),
  );
  const step = (pattern: RegExp) => log.findIndex((line) => pattern.test(line));
  return { ...result, step, tfvars };
}

describe('02-infrastructure deploy', () => {
  let run: ReturnType<typeof runWithStubs>;

  beforeAll(() => {
    run = runWithStubs('phases/02-infrastructure/deploy.sh', [], {
      PERFPLANE_RUN_ID: 'run-42',
      PERFPLANE_CODEBUILD_ROLE_ARN: 'arn:aws:iam::123456789012:role/perfplane-codebuild',
    });
  });

  it('succeeds without errors', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('plans before applying', () => {
    expect(run.step(/terraform .* init /)).toBeGreaterThanOrEqual(0);
    expect(run.step(/terraform .* plan /)).toBeGreaterThan(run.step(/terraform .* init /));
    expect(run.step(/terraform .* apply /)).toBeGreaterThan(run.step(/terraform .* plan /));
    expect(run.step(/s3 cp - s3:\/\/.*\.owner/)).toBeLessThan(run.step(/terraform .* apply /));
  });

  it('records outputs', () => {
    expect(run.stdout).toContain('##perfplane[output] rds_address=rds_address-value');
    expect(run.stdout).toContain(
      '##perfplane[output] state_bucket=perfplane-tfstate-123456789012-eu-west-1',
    );
  });

  it('validates at the end', () => {
    // Per cluster: cluster, node group, nodes; then RDS, peering and a route each way.
    expect(run.stdout).toContain('10/10 infrastructure checks passed');
  });

  it('passes the build role as admin', () => {
    // The caller's assumed-role session and the CodeBuild role are the same role.
    expect(run.tfvars.admin_principal_arns).toEqual([
      'arn:aws:iam::123456789012:role/perfplane-codebuild',
    ]);
  });
});

describe('02-infrastructure rollback', () => {
  let run: ReturnType<typeof runWithStubs>;

  beforeAll(() => {
    run = runWithStubs('phases/02-infrastructure/rollback.sh', ['--yes'], {
      PERFPLANE_RUN_ID: 'run-44',
    });
  });

  it('succeeds without errors', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('removes load balancers first', () => {
    const deleteService = run.step(/kubectl delete service -n ingress-nginx controller/);
    const unprotect = run.step(/terraform .* apply .*-target=module\.rds/);
    const destroy = run.step(/terraform .* destroy /);
    expect(deleteService).toBeGreaterThanOrEqual(0);
    expect(run.step(/describe-network-interfaces/)).toBeGreaterThan(deleteService);
    expect(unprotect).toBeGreaterThan(run.step(/describe-network-interfaces/));
    expect(destroy).toBeGreaterThan(unprotect);
    expect(run.step(/get-resources .*perfplane:environment/)).toBeGreaterThan(destroy);
  });

  it('names the snapshot by run', () => {
    expect(run.tfvars.run_id).toBe('run-44');
    expect(run.tfvars.rds.deletion_protection).toBe(false);
  });

  it('keeps snapshots out of leftovers', () => {
    expect(run.stdout).toContain('##perfplane[output] leftover_resources=0');
    expect(run.stdout).toContain('no resources tagged perfplane:environment=aws-1000tps remain');
  });
});

describe('02-infrastructure without credentials', () => {
  it('fails before calling AWS', () => {
    const bin = makeStubBin({ aws: awsStub, terraform: terraformStub, kubectl: kubectlStub });
    const calls = path.join(bin, 'calls.log');
    const result = runPhaseScript(
      'phases/02-infrastructure/validate.sh',
      ['--env', 'aws-1000tps'],
      {
        PATH: `${bin}${path.delimiter}${process.env.PATH}`,
        CALLS: calls,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no usable AWS credentials');
    expect(existsSync(calls)).toBe(false);
  });
});
