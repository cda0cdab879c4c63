import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FspiopError } from './fspiop-errors.js';
import { readJson, sendJson } from './http.js';
import {
  fromUnits,
  HUB_NAME,
  type Ledger,
  type LedgerAccountType,
  type Participant,
  toUnits,
} from './ledger.js';

/**
 * The hub administration subset onboarding uses, with the paths and bodies of
 * central-ledger's admin API (under /admin), the account-lookup-service admin
 * API (under /als-admin) and an oracle's participant API (under /oracle).
 */

type Body = Record<string, unknown>;

function asObject(value: unknown): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FspiopError('3101', 'body must be a JSON object');
  }
  return value as Body;
}

function requireString(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new FspiopError('3102', `missing or empty field "${field}"`);
  }
  return value;
}

function requireCurrency(body: Body): string {
  const currency = requireString(body, 'currency');
  if (!/^[A-Z]{3}$/.test(currency)) throw new FspiopError('3100', `invalid currency "${currency}"`);
  return currency;
}

function amountOf(value: unknown, field: string): number {
  if (typeof value === 'number' || typeof value === 'string') return toUnits(value);
  throw new FspiopError('3102', `missing field "${field}"`);
}

function participantView(participant: Participant, baseUrl: string) {
  return {
    name: participant.name,
    id: `${baseUrl}/participants/${participant.name}`,
    created: participant.created,
    isActive: participant.isActive,
    links: { self: `${baseUrl}/participants/${participant.name}` },
    accounts: participant.accounts.map((a) => ({
      id: a.id,
      ledgerAccountType: a.ledgerAccountType,
      currency: a.currency,
      isActive: a.isActive,
      createdDate: a.createdDate,
      createdBy: 'unknown',
    })),
  };
}

/** Handles /admin/<rest> (central-ledger admin API). */
export async function handleCentralLedger(
  ledger: Ledger,
  method: string,
  parts: string[],
  request: IncomingMessage,
  response: ServerResponse,
  baseUrl: string,
): Promise<void> {
  const [resource, name, sub, accountId] = parts;
  if (resource === 'health' && method === 'GET') {
    return sendJson(response, 200, { status: 'OK' });
  }
  if (resource === 'settlementModels') {
    if (method === 'GET') return sendJson(response, 200, [...ledger.settlementModels.values()]);
    if (method === 'POST') {
      const body = asObject(await readJson(request));
      const modelName = requireString(body, 'name');
      if (ledger.settlementModels.has(modelName)) {
        throw new FspiopError('3000', `Settlement Model ${modelName} already exists`);
      }
      ledger.settlementModels.set(modelName, {
        name: modelName,
        settlementGranularity: requireString(body, 'settlementGranularity'),
        settlementInterchange: requireString(body, 'settlementInterchange'),
        settlementDelay: requireString(body, 'settlementDelay'),
        currency: typeof body.currency === 'string' ? body.currency : undefined,
        requireLiquidityCheck: body.requireLiquidityCheck === true,
        ledgerAccountType: requireString(body, 'ledgerAccountType'),
        settlementAccountType:
          typeof body.settlementAccountType === 'string' ? body.settlementAccountType : undefined,
        autoPositionReset: body.autoPositionReset === true,
      });
      return sendJson(response, 201, undefined);
    }
  }
  if (resource !== 'participants') throw new FspiopError('3002', `${method} /${parts.join('/')}`);

  if (name === undefined) {
    if (method === 'GET') {
      return sendJson(
        response,
        200,
        [...ledger.participants.values()].map((p) => participantView(p, baseUrl)),
      );
    }
    if (method === 'POST') {
      const body = asObject(await readJson(request));
      const participantName = requireString(body, 'name');
      if (!/^[A-Za-z0-9]{2,30}$/.test(participantName)) {
        throw new FspiopError(
          '3100',
          `invalid participant name "${participantName}": 2 to 30 letters or digits`,
        );
      }
      const participant = ledger.addParticipant(participantName, requireCurrency(body));
      return sendJson(response, 201, participantView(participant, baseUrl));
    }
  }
  if (name === undefined) throw new FspiopError('3002', `${method} /participants`);
  const participant = ledger.getParticipant(name);

  switch (`${method} ${sub ?? ''}${accountId === undefined ? '' : '/:id'}`) {
    case 'GET ':
      return sendJson(response, 200, participantView(participant, baseUrl));
    case 'PUT ': {
      const body = asObject(await readJson(request));
      participant.isActive = body.isActive === true || body.isActive === 1 ? 1 : 0;
      return sendJson(response, 200, participantView(participant, baseUrl));
    }
    case 'POST initialPositionAndLimits': {
      const body = asObject(await readJson(request));
      const limit = asObject(body.limit);
      if (limit.type !== 'NET_DEBIT_CAP')
        throw new FspiopError('3100', 'limit.type must be NET_DEBIT_CAP');
      ledger.setInitialPositionAndLimits(
        name,
        requireCurrency(body),
        amountOf(limit.value, 'limit.value'),
        amountOf(body.initialPosition ?? 0, 'initialPosition'),
        typeof limit.alarmPercentage === 'number' ? limit.alarmPercentage : 10,
      );
      return sendJson(response, 201, undefined);
    }
    case 'GET limits':
      return sendJson(
        response,
        200,
        participant.limits.map((l) => ({
          currency: l.currency,
          limit: { type: l.type, value: fromUnits(l.value), alarmPercentage: l.alarmPercentage },
        })),
      );
    case 'PUT limits': {
      const body = asObject(await readJson(request));
      const limit = asObject(body.limit);
      if (limit.type !== 'NET_DEBIT_CAP')
        throw new FspiopError('3100', 'limit.type must be NET_DEBIT_CAP');
      const currency = requireCurrency(body);
      ledger.setLimit(
        name,
        currency,
        amountOf(limit.value, 'limit.value'),
        typeof limit.alarmPercentage === 'number' ? limit.alarmPercentage : 10,
      );
      const updated = participant.limits.find((l) => l.currency === currency);
      return sendJson(response, 200, {
        currency,
        limit: {
          type: 'NET_DEBIT_CAP',
          value: fromUnits(updated?.value ?? 0),
          alarmPercentage: updated?.alarmPercentage,
        },
      });
    }
    case 'GET positions':
      return sendJson(
        response,
        200,
        participant.accounts
          .filter((a) => a.ledgerAccountType === 'POSITION')
          .map((a) => ({
            currency: a.currency,
            value: fromUnits(a.value),
            changedDate: a.createdDate,
          })),
      );
    case 'GET accounts':
      return sendJson(
        response,
        200,
        participant.accounts.map((a) => ({
          id: a.id,
          ledgerAccountType: a.ledgerAccountType,
          currency: a.currency,
          isActive: a.isActive,
          value: fromUnits(a.value),
          reservedValue: fromUnits(a.reservedValue),
          changedDate: a.createdDate,
        })),
      );
    case 'POST accounts': {
      if (name !== HUB_NAME) {
        throw new FspiopError('3000', `only the ${HUB_NAME} participant takes new accounts here`);
      }
      const body = asObject(await readJson(request));
      const account = ledger.addHubAccount(
        requireString(body, 'type') as LedgerAccountType,
        requireCurrency(body),
      );
      return sendJson(response, 201, {
        ...participantView(participant, baseUrl),
        createdAccount: account.id,
      });
    }
    case 'POST accounts/:id': {
      const body = asObject(await readJson(request));
      if (body.action !== 'recordFundsIn') {
        throw new FspiopError(
          '3100',
          `action "${String(body.action)}" is not supported; use recordFundsIn`,
        );
      }
      const amount = asObject(body.amount);
      const transferId = typeof body.transferId === 'string' ? body.transferId : randomUUID();
      ledger.recordFundsIn(
        name,
        Number(accountId),
        transferId,
        amountOf(amount.amount, 'amount.amount'),
        requireCurrency(amount),
      );
      return sendJson(response, 202, undefined);
    }
    case 'GET endpoints':
      return sendJson(
        response,
        200,
        Object.entries(participant.endpoints).map(([type, value]) => ({ type, value })),
      );
    case 'POST endpoints': {
      const body = asObject(await readJson(request));
      const type = requireString(body, 'type');
      if (!/^[A-Z_]+$/.test(type)) throw new FspiopError('3100', `invalid endpoint type "${type}"`);
      participant.endpoints[type] = requireString(body, 'value');
      return sendJson(response, 201, undefined);
    }
    default:
      throw new FspiopError('3002', `${method} /participants/${parts.slice(1).join('/')}`);
  }
}

/** Handles /als-admin/<rest> (account-lookup-service admin API: oracles). */
export async function handleAlsAdmin(
  ledger: Ledger,
  method: string,
  parts: string[],
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  if (parts[0] === 'health' && method === 'GET') return sendJson(response, 200, { status: 'OK' });
  if (parts[0] !== 'oracles' || parts.length !== 1)
    throw new FspiopError('3002', `${method} /${parts.join('/')}`);
  if (method === 'GET') {
    const type = query.get('type');
    return sendJson(
      response,
      200,
      ledger.oracles.filter((o) => !type || o.oracleIdType === type),
    );
  }
  if (method === 'POST') {
    const body = asObject(await readJson(request));
    const oracleIdType = requireString(body, 'oracleIdType');
    const endpoint = asObject(body.endpoint);
    const currency = typeof body.currency === 'string' ? body.currency : undefined;
    if (ledger.oracles.some((o) => o.oracleIdType === oracleIdType && o.currency === currency)) {
      throw new FspiopError(
        '3000',
        `an oracle for ${oracleIdType} ${currency ?? ''} already exists`,
      );
    }
    ledger.oracles.push({
      oracleId: String(ledger.oracles.length + 1),
      oracleIdType,
      endpoint: {
        value: requireString(endpoint, 'value'),
        endpointType: String(endpoint.endpointType ?? 'URL'),
      },
      currency,
      isDefault: body.isDefault === true,
    });
    return sendJson(response, 201, undefined);
  }
  throw new FspiopError('3002', `${method} /oracles`);
}

/** Handles /oracle/participants/{Type}/{ID} (the oracle API an ALS calls). */
export async function handleOracle(
  ledger: Ledger,
  method: string,
  parts: string[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const [resource, type, id] = parts;
  if (resource === 'health' && method === 'GET') return sendJson(response, 200, { status: 'OK' });
  if (resource !== 'participants' || !type || !id || parts.length !== 3) {
    throw new FspiopError('3002', `${method} /${parts.join('/')}`);
  }
  const key = `${type}/${id}`;
  if (method === 'GET') {
    const record = ledger.parties.get(key);
    if (!record) throw new FspiopError('3204', `${type} ${id} is not registered`);
    return sendJson(response, 200, { partyList: [record] });
  }
  if (method === 'POST' || method === 'PUT') {
    const body = asObject(await readJson(request));
    const fspId = requireString(body, 'fspId');
    if (!ledger.participants.has(fspId))
      throw new FspiopError('3201', `FSP "${fspId}" is not a participant`);
    ledger.parties.set(key, {
      fspId,
      currency: typeof body.currency === 'string' ? body.currency : undefined,
    });
    return sendJson(response, 201, undefined);
  }
  if (method === 'DELETE') {
    ledger.parties.delete(key);
    return sendJson(response, 204, undefined);
  }
  throw new FspiopError('3002', `${method} /participants/${type}/${id}`);
}
