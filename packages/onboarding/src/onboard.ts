import { type Environment, PerfplaneError } from '@perfplane/core';
import { AdminClient, describeError, isAlreadyExists } from './client.js';
import {
  callbackEndpoints,
  type Dfsp,
  deterministicId,
  HUB_ACCOUNT_TYPES,
  HUB_PARTICIPANT,
  msisdnFor,
  settlementModel,
} from './plan.js';

export interface OnboardingClients {
  /** central-ledger admin API. */
  hub: AdminClient;
  /** account-lookup-service admin API. */
  als: AdminClient;
  /** Oracle participant API; when absent, the MSISDN oracle registered in the ALS is used. */
  oracle?: AdminClient;
}

export interface OnboardingOptions {
  /** Callback base URL with `{dfsp}` for the DFSP id. */
  callbackUrlTemplate: string;
  /** Oracle endpoint registered in the ALS when no MSISDN oracle exists yet. */
  oracleUrl?: string;
  partiesPerDfsp: number;
  /** Called with each change made, for progress output. */
  onChange?: (change: string) => void;
}

interface AccountView {
  id: number;
  ledgerAccountType: string;
  currency: string;
  value?: number;
}

interface LimitView {
  currency: string;
  limit: { type: string; value: number };
}

/**
 * Onboards the hub and every DFSP of an environment, and returns the changes
 * made. It reads before it writes and creates only what is missing, so a
 * re-run changes nothing. A create that fails because the item already
 * exists counts as done.
 */
export async function onboard(
  environment: Environment,
  clients: OnboardingClients,
  options: OnboardingOptions,
): Promise<string[]> {
  const changes: string[] = [];
  const record = (change: string) => {
    changes.push(change);
    options.onChange?.(change);
  };
  const currency = environment.currency;
  await ensureHubAccounts(clients.hub, currency, record);
  await ensureSettlementModel(clients.hub, currency, record);
  const oracle = await ensureOracle(clients, currency, options.oracleUrl, record);
  for (const dfsp of environment.dfsps) {
    await ensureParticipant(clients.hub, dfsp, currency, record);
    await ensureLimits(clients.hub, dfsp, currency, record);
    await ensureFunds(clients.hub, environment.name, dfsp, currency, record);
    await ensureEndpoints(clients.hub, dfsp, options.callbackUrlTemplate, record);
    await ensureParties(oracle, dfsp, currency, options.partiesPerDfsp, record);
  }
  return changes;
}

async function create(client: AdminClient, path: string, body: unknown): Promise<boolean> {
  const response = await client.request('POST', path, body);
  if (response.status >= 200 && response.status < 300) return true;
  if (isAlreadyExists(response)) return false;
  throw new PerfplaneError(
    'PhaseFailed',
    `POST ${client.baseUrl}${path} returned HTTP ${response.status}: ${describeError(response.body)}`,
  );
}

async function listAccounts(hub: AdminClient, name: string): Promise<AccountView[] | undefined> {
  const response = await hub.request('GET', `/participants/${name}/accounts`);
  if (response.status === 404 || response.status === 400) return undefined;
  if (response.status !== 200) {
    throw new PerfplaneError(
      'PhaseFailed',
      `GET accounts of ${name} returned HTTP ${response.status}: ${describeError(response.body)}`,
    );
  }
  return response.body as AccountView[];
}

async function ensureHubAccounts(
  hub: AdminClient,
  currency: string,
  record: (c: string) => void,
): Promise<void> {
  const accounts = (await listAccounts(hub, HUB_PARTICIPANT)) ?? [];
  for (const type of HUB_ACCOUNT_TYPES) {
    if (accounts.some((a) => a.ledgerAccountType === type && a.currency === currency)) continue;
    if (await create(hub, `/participants/${HUB_PARTICIPANT}/accounts`, { type, currency })) {
      record(`hub account ${type} ${currency}`);
    }
  }
}

async function ensureSettlementModel(
  hub: AdminClient,
  currency: string,
  record: (c: string) => void,
): Promise<void> {
  const model = settlementModel(currency);
  const models = (await hub.expectOk('GET', '/settlementModels')) as { name: string }[];
  if (models.some((m) => m.name === model.name)) return;
  if (await create(hub, '/settlementModels', model)) record(`settlement model ${model.name}`);
}

async function ensureOracle(
  clients: OnboardingClients,
  currency: string,
  oracleUrl: string | undefined,
  record: (c: string) => void,
): Promise<AdminClient> {
  const oracles = (await clients.als.expectOk('GET', '/oracles?type=MSISDN')) as {
    endpoint: { value: string };
  }[];
  let endpoint = oracles[0]?.endpoint.value;
  if (!endpoint) {
    if (!oracleUrl) {
      throw new PerfplaneError(
        'InvalidArgument',
        'no MSISDN oracle is registered and no --oracle-url was given; pass the oracle URL',
      );
    }
    const body = {
      oracleIdType: 'MSISDN',
      endpoint: { value: oracleUrl, endpointType: 'URL' },
      currency,
      isDefault: true,
    };
    if (await create(clients.als, '/oracles', body)) record(`oracle MSISDN ${oracleUrl}`);
    endpoint = oracleUrl;
  }
  return clients.oracle ?? new AdminClient(endpoint);
}

async function ensureParticipant(
  hub: AdminClient,
  dfsp: Dfsp,
  currency: string,
  record: (c: string) => void,
): Promise<void> {
  const accounts = await listAccounts(hub, dfsp.id);
  if (accounts?.some((a) => a.ledgerAccountType === 'POSITION' && a.currency === currency)) return;
  if (await create(hub, '/participants', { name: dfsp.id, currency }))
    record(`participant ${dfsp.id} ${currency}`);
}

async function ensureLimits(
  hub: AdminClient,
  dfsp: Dfsp,
  currency: string,
  record: (c: string) => void,
): Promise<void> {
  const limits = (await hub.expectOk(
    'GET',
    `/participants/${dfsp.id}/limits?currency=${currency}`,
  )) as LimitView[];
  const current = limits.find((l) => l.currency === currency && l.limit.type === 'NET_DEBIT_CAP');
  if (!current) {
    const body = {
      currency,
      limit: { type: 'NET_DEBIT_CAP', value: dfsp.netDebitCap, alarmPercentage: 10 },
      initialPosition: 0,
    };
    if (await create(hub, `/participants/${dfsp.id}/initialPositionAndLimits`, body)) {
      record(`initial position and net debit cap ${dfsp.netDebitCap} for ${dfsp.id}`);
    }
    return;
  }
  if (current.limit.value === dfsp.netDebitCap) return;
  await hub.expectOk('PUT', `/participants/${dfsp.id}/limits`, {
    currency,
    limit: { type: 'NET_DEBIT_CAP', value: dfsp.netDebitCap, alarmPercentage: 10 },
  });
  record(`net debit cap of ${dfsp.id} ${current.limit.value} -> ${dfsp.netDebitCap}`);
}

/** Tops the DFSP's settlement account up to `initialFunds`; funds above it are left alone. */
async function ensureFunds(
  hub: AdminClient,
  environmentName: string,
  dfsp: Dfsp,
  currency: string,
  record: (c: string) => void,
): Promise<void> {
  const accounts = (await listAccounts(hub, dfsp.id)) ?? [];
  const settlement = accounts.find(
    (a) => a.ledgerAccountType === 'SETTLEMENT' && a.currency === currency,
  );
  if (!settlement)
    throw new PerfplaneError(
      'PhaseFailed',
      `${dfsp.id} has no ${currency} SETTLEMENT account after creation`,
    );
  // A settlement account holding funds has a negative value in central-ledger.
  const balance = -(settlement.value ?? 0);
  const missing = dfsp.initialFunds - balance;
  if (missing <= 0) return;
  await hub.expectOk('POST', `/participants/${dfsp.id}/accounts/${settlement.id}`, {
    transferId: deterministicId(environmentName, dfsp.id, currency, balance),
    externalReference: `perfplane-${environmentName}`,
    action: 'recordFundsIn',
    reason: 'perfplane onboarding',
    amount: { amount: String(missing), currency },
  });
  record(`funds in ${missing} ${currency} for ${dfsp.id}`);
}

async function ensureEndpoints(
  hub: AdminClient,
  dfsp: Dfsp,
  template: string,
  record: (c: string) => void,
): Promise<void> {
  const current = (await hub.expectOk('GET', `/participants/${dfsp.id}/endpoints`)) as {
    type: string;
    value: string;
  }[];
  for (const [type, value] of Object.entries(callbackEndpoints(template, dfsp.id))) {
    if (current.some((e) => e.type === type && e.value === value)) continue;
    await hub.expectOk('POST', `/participants/${dfsp.id}/endpoints`, { type, value });
    record(`endpoint ${type} of ${dfsp.id}`);
  }
}

async function ensureParties(
  oracle: AdminClient,
  dfsp: Dfsp,
  currency: string,
  count: number,
  record: (c: string) => void,
): Promise<void> {
  let added = 0;
  for (let index = 1; index <= count; index++) {
    const msisdn = msisdnFor(dfsp.msisdnPrefix, index);
    const response = await oracle.request('GET', `/participants/MSISDN/${msisdn}`);
    const list = (response.body as { partyList?: { fspId: string }[] } | undefined)?.partyList;
    if (response.status === 200 && list?.some((p) => p.fspId === dfsp.id)) continue;
    await oracle.expectOk('POST', `/participants/MSISDN/${msisdn}`, { fspId: dfsp.id, currency });
    added += 1;
  }
  if (added > 0) record(`${added} MSISDN parties for ${dfsp.id}`);
}
