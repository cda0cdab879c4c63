import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallbackSender } from './callbacks.js';
import { FspiopError } from './fspiop-errors.js';
import { readJson, sendError, sendJson } from './http.js';
import type { QuotesPostRequest, Switch, TransfersPostRequest } from './hub.js';
import type { Participant } from './ledger.js';
import type { RequestValidator } from './schemas.js';

/** Name the hub uses as FSPIOP-Source of the errors it raises itself. */
const SWITCH_ID = 'switch';

function header(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function endpointOf(participant: Participant, type: string): string {
  const template = participant.endpoints[type];
  if (!template) {
    throw new FspiopError('3201', `${participant.name} has no ${type} endpoint registered`);
  }
  return template;
}

/**
 * The hub's FSPIOP API under /fspiop: validates the request synchronously
 * (HTTP 400 with errorInformation on failure), returns 202, then sends the
 * PUT callback, or the PUT .../error callback, to the endpoints the
 * FSPIOP-Source registered.
 */
export async function handleFspiop(
  hub: Switch,
  validator: RequestValidator,
  callbacks: CallbackSender,
  method: string,
  parts: string[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const resource = parts[0] ?? '';
  const contentType = `application/vnd.interoperability.${resource}+json;version=1.1`;
  try {
    const body = method === 'GET' ? undefined : await readJson(request);
    const template = operationTemplate(method, parts);
    validator.validateFspiop(template, resource, request.headers, body);
    const source = hub.activeDfsp(header(request, 'fspiop-source'), '3202');
    if (template === 'GET /parties/{Type}/{ID}') {
      startLookup(hub, callbacks, source, parts[1] as string, parts[2] as string);
    } else if (template === 'POST /quotes') {
      startQuote(
        hub,
        callbacks,
        source,
        header(request, 'fspiop-destination'),
        body as QuotesPostRequest,
      );
    } else {
      const transfer = body as TransfersPostRequest;
      if (transfer.payerFsp !== source.name) {
        throw new FspiopError(
          '3100',
          `payerFsp ${transfer.payerFsp} differs from FSPIOP-Source ${source.name}`,
        );
      }
      startTransfer(hub, callbacks, source, transfer);
    }
    sendJson(response, 202, undefined, contentType);
  } catch (error) {
    sendError(response, error, contentType);
  }
}

function operationTemplate(method: string, parts: string[]): string {
  if (method === 'GET' && parts[0] === 'parties' && parts.length === 3)
    return 'GET /parties/{Type}/{ID}';
  if (method === 'POST' && parts[0] === 'quotes' && parts.length === 1) return 'POST /quotes';
  if (method === 'POST' && parts[0] === 'transfers' && parts.length === 1) return 'POST /transfers';
  throw new FspiopError('3002', `${method} /${parts.join('/')}`);
}

function errorBody(error: unknown) {
  return (error instanceof FspiopError ? error : new FspiopError('2001', String(error))).toBody();
}

function startLookup(
  hub: Switch,
  callbacks: CallbackSender,
  source: Participant,
  type: string,
  id: string,
): void {
  const values = { partyIdType: type, partyIdentifier: decodeURIComponent(id) };
  const success = endpointOf(source, 'FSPIOP_CALLBACK_URL_PARTIES_PUT');
  const failure = endpointOf(source, 'FSPIOP_CALLBACK_URL_PARTIES_PUT_ERROR');
  hub.lookupParty(type, values.partyIdentifier).then(
    (party) => {
      const url = CallbackSender.expand(success, values);
      callbacks.send(url, 'parties', party.partyIdInfo.fspId ?? SWITCH_ID, source.name, { party });
    },
    (error) => {
      callbacks.send(
        CallbackSender.expand(failure, values),
        'parties',
        SWITCH_ID,
        source.name,
        errorBody(error),
      );
    },
  );
}

function startQuote(
  hub: Switch,
  callbacks: CallbackSender,
  source: Participant,
  destination: string,
  body: QuotesPostRequest,
): void {
  const base = endpointOf(source, 'FSPIOP_CALLBACK_URL_QUOTES');
  const payeeFsp = destination || body.payee.partyIdInfo.fspId || '';
  const url = `${base.replace(/\/$/, '')}/quotes/${body.quoteId}`;
  hub.quote(source.name, payeeFsp, body).then(
    (quote) => callbacks.send(url, 'quotes', payeeFsp, source.name, quote),
    (error) => callbacks.send(`${url}/error`, 'quotes', SWITCH_ID, source.name, errorBody(error)),
  );
}

function startTransfer(
  hub: Switch,
  callbacks: CallbackSender,
  source: Participant,
  body: TransfersPostRequest,
): void {
  const values = { transferId: body.transferId };
  const success = endpointOf(source, 'FSPIOP_CALLBACK_URL_TRANSFER_PUT');
  const failure = endpointOf(source, 'FSPIOP_CALLBACK_URL_TRANSFER_ERROR');
  hub.transfer(body).then(
    (result) =>
      callbacks.send(
        CallbackSender.expand(success, values),
        'transfers',
        body.payeeFsp,
        source.name,
        result,
      ),
    (error) =>
      callbacks.send(
        CallbackSender.expand(failure, values),
        'transfers',
        SWITCH_ID,
        source.name,
        errorBody(error),
      ),
  );
}
