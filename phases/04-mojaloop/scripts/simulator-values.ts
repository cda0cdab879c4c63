/**
 * Generates the Helm values of the mojaloop-simulator release: one
 * simulator with an SDK scheme adapter per DFSP of the environment, with
 * mTLS and JWS switched on as the environment's security section sets.
 * Usage: tsx simulator-values.ts ENV [values|ingress]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Environment, isPerfplaneError, loadEnvironment } from '@perfplane/core';
import { stringify } from 'yaml';

/** In-cluster addresses of the switch services the adapters call. */
export const SWITCH_ENDPOINTS = {
  peer: 'moja-ml-api-adapter-service.mojaloop.svc.cluster.local',
  als: 'moja-account-lookup-service.mojaloop.svc.cluster.local',
  quotes: 'moja-quoting-service.mojaloop.svc.cluster.local',
  transfers: 'moja-ml-api-adapter-service.mojaloop.svc.cluster.local',
};

function adapterEnvironment(environment: Environment, dfspId: string): Record<string, string> {
  const { mtls, jws } = environment.security;
  return {
    DFSP_ID: dfspId,
    CACHE_URL: 'redis://localhost:6379',
    PEER_ENDPOINT: SWITCH_ENDPOINTS.peer,
    ALS_ENDPOINT: SWITCH_ENDPOINTS.als,
    QUOTES_ENDPOINT: SWITCH_ENDPOINTS.quotes,
    TRANSFERS_ENDPOINT: SWITCH_ENDPOINTS.transfers,
    AUTO_ACCEPT_QUOTES: 'true',
    AUTO_ACCEPT_PARTY: 'true',
    USE_QUOTE_SOURCE_FSP_AS_TRANSFER_PAYEE_FSP: 'false',
    JWS_SIGN: String(jws),
    VALIDATE_INBOUND_JWS: String(jws),
    JWS_SIGNING_KEY_PATH: '/jwsSigningKey/private.key',
    JWS_VERIFICATION_KEYS_DIRECTORY: '/jwsVerificationKeys',
    INBOUND_MUTUAL_TLS_ENABLED: String(mtls),
    OUTBOUND_MUTUAL_TLS_ENABLED: String(mtls),
    IN_CA_CERT_PATH: '/secrets/ca.crt',
    IN_SERVER_CERT_PATH: '/secrets/tls.crt',
    IN_SERVER_KEY_PATH: '/secrets/tls.key',
    OUT_CA_CERT_PATH: '/secrets/ca.crt',
    OUT_CLIENT_CERT_PATH: '/secrets/tls.crt',
    OUT_CLIENT_KEY_PATH: '/secrets/tls.key',
  };
}

/** Builds the values document for all DFSPs of the environment. */
export function buildSimulatorValues(environment: Environment) {
  const simulators = Object.fromEntries(
    environment.dfsps.map((dfsp) => [
      dfsp.id,
      {
        config: {
          schemeAdapter: {
            secrets: {
              // Secrets made by scripts/security.sh; the key material never enters values.
              jws: { existingSecret: `${dfsp.id}-jws` },
              tls: { existingSecret: environment.security.mtls ? `${dfsp.id}-tls` : '' },
            },
            env: adapterEnvironment(environment, dfsp.id),
          },
        },
      },
    ]),
  );
  return {
    defaults: {
      config: {
        schemeAdapter: { nodeSelector: { 'perfplane.io/node-group': 'dfsps' } },
        backend: { nodeSelector: { 'perfplane.io/node-group': 'dfsps' } },
      },
    },
    simulators,
  };
}

/**
 * Builds the Ingress that exposes each DFSP's SDK outbound API at
 * /sdk/<dfsp>/ on the internal load balancer, the path the k6 scripts call.
 * NOTE: the service name and port follow the mojaloop-simulator chart
 * 15.10.0 naming (<release>-<simulator>-scheme-adapter, outbound 4001);
 * they were not rendered with helm template here.
 */
export function buildSdkIngress(environment: Environment, release = 'dfsps') {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'sdk-outbound',
      namespace: 'dfsps',
      annotations: {
        'nginx.ingress.kubernetes.io/use-regex': 'true',
        'nginx.ingress.kubernetes.io/rewrite-target': '/$2',
      },
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          http: {
            paths: environment.dfsps.map((dfsp) => ({
              path: `/sdk/${dfsp.id}(/|$)(.*)`,
              pathType: 'ImplementationSpecific',
              backend: {
                service: { name: `${release}-${dfsp.id}-scheme-adapter`, port: { number: 4001 } },
              },
            })),
          },
        },
      ],
    },
  };
}

async function main(name: string | undefined, what = 'values'): Promise<void> {
  if (!name || (what !== 'values' && what !== 'ingress')) {
    throw new Error('usage: simulator-values.ts ENV [values|ingress]');
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const environment = await loadEnvironment(root, name);
  const document =
    what === 'values' ? buildSimulatorValues(environment) : buildSdkIngress(environment);
  process.stdout.write(stringify(document));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv[2], process.argv[3]).catch((error: unknown) => {
    const message =
      isPerfplaneError(error) || error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: simulator values: ${message}\n`);
    process.exitCode = 1;
  });
}
