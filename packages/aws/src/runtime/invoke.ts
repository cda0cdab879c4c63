import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { PerfplaneError } from '@perfplane/core';
import type { OperationLambda } from '../http/routes.js';
import type { OperationInvoker, RouterResponse } from '../ports.js';
import { functionName } from '../settings/names.js';

/**
 * Calls an operation Lambda and waits for its response. The operation
 * Lambdas return a RouterResponse, so their 4xx responses pass through.
 */
export function lambdaInvoker(client: LambdaClient, prefix: string): OperationInvoker {
  return async (lambda: OperationLambda, request) => {
    const output = await client.send(
      new InvokeCommand({
        FunctionName: functionName(prefix, lambda),
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(request)),
      }),
    );
    const text = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
    if (output.FunctionError) {
      throw new PerfplaneError('Internal', `${lambda} Lambda failed: ${text.slice(0, 500)}`);
    }
    return JSON.parse(text) as RouterResponse;
  };
}
