// Prints how long the AWS-facing handlers take on this machine, without AWS:
// API validation in-process, the Slack acknowledgement, and a SigV4-signed
// request over HTTP through the local adapter. Figures are medians.
import { Logger } from '@aws-lambda-powertools/logger';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createSigV4Fetch } from '../packages/aws/src/api-client-sigv4.js';
import { createApiHandler } from '../packages/aws/src/handlers/api.js';
import { createSlackHandler } from '../packages/aws/src/handlers/slack.js';
import { startLocalApi, toApiGatewayEvent } from '../packages/aws/src/local/http-adapter.js';
import { signSlackRequest } from '../packages/aws/src/slack/signature.js';

const ROUNDS = 300;
const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
mockClient(LambdaClient);
const context = { awsRequestId: 'bench', functionName: 'bench' } as never;

async function median(label: string, action: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const start = process.hrtime.bigint();
    await action();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)] ?? 0;
  const p95 = times[Math.floor(times.length * 0.95)] ?? 0;
  console.log(`${label}: median ${p50.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms (${ROUNDS} rounds)`);
}

const api = createApiHandler({
  logger,
  environments: ['aws-1000tps'],
  router: async () => ({ status: 200, body: {} }),
  invoke: async () => ({ status: 200, body: {} }),
});
const body = Buffer.from(JSON.stringify({ phases: ['01-prerequisites', '02-infrastructure'] }));
await median('api request validation', () =>
  api(
    toApiGatewayEvent(
      'POST',
      '/environments/aws-1000tps/runs',
      { 'content-type': 'application/json' },
      body,
    ),
    context,
  ),
);

const slack = createSlackHandler({
  logger,
  signingSecret: async () => 'secret',
  lambda: new LambdaClient({ region: 'us-east-1' }),
  selfFunctionName: 'slack',
  apiFunctionName: 'api',
});
const form = 'text=status+aws-1000tps&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&user_id=U1';
await median('slack acknowledgement', () => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signSlackRequest('secret', timestamp, form),
  };
  return slack(toApiGatewayEvent('POST', '/slack/commands', headers, Buffer.from(form)), context);
});

const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };
const local = await startLocalApi([
  { prefix: '/', iam: { ...credentials, region: 'us-east-1' }, handler: api },
]);
const signedFetch = createSigV4Fetch({ region: 'us-east-1', credentials });
await median('signed request over HTTP (sign, verify, validate)', async () => {
  const response = await signedFetch(`${local.url}/environments/aws-1000tps/progress`);
  await response.arrayBuffer();
});
await local.close();
