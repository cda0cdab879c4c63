import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { type Credentials, verifySigV4 } from './sigv4-verify.js';

type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 | undefined>;

export interface AdapterRoute {
  /** Path prefix the route serves, such as `/slack/` or `/`. */
  prefix: string;
  handler: LambdaHandler;
  /** Credentials whose SigV4 signature the route requires, like API Gateway's IAM authorization. */
  iam?: Credentials & { region: string };
}

export interface LocalApi {
  url: string;
  close: () => Promise<void>;
}

/** Largest body the adapter reads, in bytes; API Gateway's own limit is 10 MB. */
const MAX_ADAPTER_BODY = 1024 * 1024;

const TEXT_TYPES = /^(application\/json|text\/)/;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ADAPTER_BODY) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return headers;
}

/**
 * Builds an API Gateway v2 event the way HTTP APIs do: bodies that are not
 * JSON or text arrive base64-encoded with isBase64Encoded set.
 */
export function toApiGatewayEvent(
  method: string,
  target: string,
  headers: Record<string, string>,
  body: Buffer,
  userArn?: string,
): APIGatewayProxyEventV2 {
  // Split by hand: WHATWG URL parsing would resolve `%2e%2e` segments, which API Gateway passes on.
  const queryStart = target.indexOf('?');
  const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
  const rawQueryString = queryStart < 0 ? '' : target.slice(queryStart + 1);
  const contentType = headers['content-type'] ?? '';
  const base64 = body.length > 0 && !TEXT_TYPES.test(contentType);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    isBase64Encoded: base64,
    ...(body.length > 0 ? { body: base64 ? body.toString('base64') : body.toString('utf8') } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(userArn ? { authorizer: { iam: { userArn } } } : {}),
    },
  } as APIGatewayProxyEventV2;
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:local',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function serve(routes: AdapterRoute[], request: IncomingMessage, response: ServerResponse) {
  const target = request.url ?? '/';
  const route = routes.find((candidate) => target.startsWith(candidate.prefix));
  if (!route) {
    send(response, 404, { message: 'Not Found' });
    return;
  }
  const body = await readBody(request);
  const headers = headersOf(request);
  let userArn: string | undefined;
  if (route.iam) {
    const check = await verifySigV4({
      method: request.method ?? 'GET',
      target,
      headers,
      body,
      ...route.iam,
    });
    if (!check.ok) {
      // API Gateway rejects a failed IAM authorization with 403 and this body shape.
      send(response, 403, { message: check.reason });
      return;
    }
    userArn = `arn:aws:iam::000000000000:user/${route.iam.accessKeyId}`;
  }
  const event = toApiGatewayEvent(request.method ?? 'GET', target, headers, body, userArn);
  const result = await route.handler(event, lambdaContext());
  response.writeHead(result?.statusCode ?? 200, (result?.headers ?? {}) as Record<string, string>);
  response.end(
    result?.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result?.body ?? ''),
  );
}

/** Serves Lambda handlers over HTTP on 127.0.0.1, shaped like API Gateway HTTP APIs. */
export async function startLocalApi(routes: AdapterRoute[], port = 0): Promise<LocalApi> {
  const server: Server = createServer((request, response) => {
    serve(routes, request, response).catch((error: Error) => {
      send(response, 500, { message: `adapter error: ${error.message}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
