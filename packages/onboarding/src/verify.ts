import type { Environment } from '@perfplane/core';
import type { AdminClient } from './client.js';
import { CALLBACK_ENDPOINTS } from './plan.js';

/** State of one DFSP as the hub reports it. */
export interface DfspCheck {
  id: string;
  active: boolean;
  netDebitCap: number | null;
  settlementBalance: number | null;
  position: number | null;
  endpoints: number;
  problems: string[];
}

/** Reads each DFSP of the environment from the hub and lists what is missing. */
export async function verify(environment: Environment, hub: AdminClient): Promise<DfspCheck[]> {
  const currency = environment.currency;
  const checks: DfspCheck[] = [];
  for (const dfsp of environment.dfsps) {
    const check: DfspCheck = {
      id: dfsp.id,
      active: false,
      netDebitCap: null,
      settlementBalance: null,
      position: null,
      endpoints: 0,
      problems: [],
    };
    checks.push(check);
    const participant = await hub.request('GET', `/participants/${dfsp.id}`);
    if (participant.status !== 200) {
      check.problems.push('not a participant');
      continue;
    }
    check.active = (participant.body as { isActive?: number }).isActive === 1;
    if (!check.active) check.problems.push('inactive');
    const limits = (await hub.expectOk(
      'GET',
      `/participants/${dfsp.id}/limits?currency=${currency}`,
    )) as {
      currency: string;
      limit: { type: string; value: number };
    }[];
    check.netDebitCap =
      limits.find((l) => l.currency === currency && l.limit.type === 'NET_DEBIT_CAP')?.limit
        .value ?? null;
    if (check.netDebitCap === null) check.problems.push('no net debit cap');
    const accounts = (await hub.expectOk('GET', `/participants/${dfsp.id}/accounts`)) as {
      ledgerAccountType: string;
      currency: string;
      value: number;
    }[];
    const settlement = accounts.find(
      (a) => a.ledgerAccountType === 'SETTLEMENT' && a.currency === currency,
    );
    const position = accounts.find(
      (a) => a.ledgerAccountType === 'POSITION' && a.currency === currency,
    );
    check.settlementBalance = settlement ? -settlement.value : null;
    check.position = position ? position.value : null;
    if (!check.settlementBalance || check.settlementBalance <= 0)
      check.problems.push('no funds in the settlement account');
    const endpoints = (await hub.expectOk('GET', `/participants/${dfsp.id}/endpoints`)) as {
      type: string;
    }[];
    const missing = Object.keys(CALLBACK_ENDPOINTS).filter(
      (type) => !endpoints.some((e) => e.type === type),
    );
    check.endpoints = endpoints.length;
    if (missing.length > 0) check.problems.push(`missing endpoints ${missing.join(', ')}`);
  }
  return checks;
}
