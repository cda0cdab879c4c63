import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeStubBin, runPhaseScript, STAND_IN_CREDENTIALS } from './run-script.js';

const validate = 'phases/01-prerequisites/validate.sh';

// Stand-in for the AWS CLI that returns canned output for the calls the prerequisites make. The
// vCPU quota is 32, far below what aws-1000tps needs.
const awsStub = `
case "$*" in
  *--version*) echo "aws-cli/2.27.0 Python/3.13 Linux" ;;
  *"sts get-caller-identity"*) echo '{"Account":"123456789012","Arn":"arn:aws:iam::123456789012:user/tester"}' ;;
  *"get-service-quota"*L-1216C47A*) echo 32 ;;
  *"get-service-quota"*) echo 100 ;;
  *"describe-instances"*) echo '[]' ;;
  *"describe-nat-gateways"*) echo '[]' ;;
  *"eks list-clusters"*) echo '{"clusters":["other"]}' ;;
  *"describe-db-instances"*) echo '[]' ;;
  *"length("*) echo 1 ;;
  *) echo "unexpected aws call: $*" >&2; exit 255 ;;
esac`;

const helmStub = 'echo v3.18.6+g0000000';
const k6Stub = 'echo "k6 v1.4.2 (go1.24, linux/amd64)"';

describe('01-prerequisites validate', () => {
  it('lists what is missing without credentials', () => {
    const result = runPhaseScript(validate, ['--env', 'aws-1000tps']);
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('##perfplane[unmet] AWS credentials: none found');
    expect(result.stdout).toContain('##perfplane[unmet] service quotas: not checked');
    expect(result.stderr).not.toMatch(/Traceback|at .*\.ts:\d+/);
  });

  it('rejects a placeholder access key', () => {
    const result = runPhaseScript(validate, ['--env', 'aws-1000tps'], {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('is not an AWS access key id');
  });

  it('reports a short vCPU quota', () => {
    const bin = makeStubBin({ aws: awsStub, helm: helmStub, k6: k6Stub });
    const result = runPhaseScript(validate, ['--env', 'aws-1000tps'], {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      ...STAND_IN_CREDENTIALS,
    });
    expect(result.stdout).toMatch(
      /Running On-Demand Standard instances \(vCPUs\)\s+L-1216C47A\s+200\s+32\s+168\s+short/,
    );
    expect(result.stdout).toContain('##perfplane[unmet] quota Running On-Demand Standard');
    expect(result.stdout).toContain('--quota-code L-1216C47A');
    expect(result.stdout).not.toContain('##perfplane[unmet] quota EKS');
    expect(result.status).toBe(3);
  });

  it('passes when quotas suffice', () => {
    const roomy = awsStub.replace('L-1216C47A*) echo 32', 'L-1216C47A*) echo 512');
    const bin = makeStubBin({ aws: roomy, helm: helmStub, k6: k6Stub });
    const result = runPhaseScript(validate, ['--env', 'aws-1000tps'], {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      ...STAND_IN_CREDENTIALS,
    });
    expect(result.stdout).not.toContain('##perfplane[unmet]');
    expect(result.stdout).toContain('##perfplane[progress] 100');
    expect(result.status).toBe(0);
  });

  it('hands rehearsal to the profile', () => {
    const result = runPhaseScript(validate, ['--env', 'rehearsal']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('##perfplane[progress] 100');
  });
});
