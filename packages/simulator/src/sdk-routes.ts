import type { IncomingMessage, ServerResponse } from 'node:http';
import { FspiopError } from './fspiop-errors.js';
import { readJson, sendJson } from './http.js';
import type { QuotesPostRequest, Switch, TransfersPostRequest } from './hub.js';
import type { RequestValidator } from './schemas.js';

/**
 * Handles the synchronous outbound API of mojaloop-sdk-scheme-adapter (v2.0.0), one
 * per payer DFSP under /sdk/<dfsp>: GET /parties/{Type}/{ID}, POST /quotes
 * ({ fspId, quotesPostRequest }) and POST /simpleTransfers
 * ({ fspId, transfersPostRequest }). Each returns the FSPIOP callback body
 * wrapped as `{ <resource>: { body, headers }, currentState: 'COMPLETED' }`.
 */
export async function handleSdk(
  hub: Switch,
  validator: RequestValidator,
  method: string,
  dfsp: string,
  parts: string[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    const payer = hub.activeDfsp(dfsp, '3202');
    const route = `${method} /${parts[0] ?? ''}`;
    if (route === 'GET /parties' && parts.length === 3) {
      const party = await hub.lookupParty(
        parts[1] as string,
        decodeURIComponent(parts[2] as string),
      );
      return sendJson(response, 200, {
        party: { body: party, headers: {} },
        currentState: 'COMPLETED',
      });
    }
    if (route === 'POST /quotes' && parts.length === 1) {
      const body = await readJson(request);
      validator.validateSdk('POST /quotes', body);
      const { fspId, quotesPostRequest } = body as {
        fspId: string;
        quotesPostRequest: QuotesPostRequest;
      };
      const quote = await hub.quote(payer.name, fspId, quotesPostRequest);
      return sendJson(response, 200, {
        quotes: { body: quote, headers: {} },
        currentState: 'COMPLETED',
      });
    }
    if (route === 'POST /simpleTransfers' && parts.length === 1) {
      const body = await readJson(request);
      validator.validateSdk('POST /simpleTransfers', body);
      const { transfersPostRequest } = body as { transfersPostRequest: TransfersPostRequest };
      if (transfersPostRequest.payerFsp !== payer.name) {
        throw new FspiopError(
          '3100',
          `payerFsp ${transfersPostRequest.payerFsp} differs from the outbound DFSP ${payer.name}`,
        );
      }
      const transfer = await hub.transfer(transfersPostRequest);
      return sendJson(response, 200, {
        transfer: { body: transfer, headers: {} },
        currentState: 'COMPLETED',
      });
    }
    throw new FspiopError('3002', `${method} /sdk/${dfsp}/${parts.join('/')}`);
  } catch (error) {
    const fspiopError =
      error instanceof FspiopError ? error : new FspiopError('2001', String(error));
    // The scheme adapter returns 404 for an unknown party, 400 for a bad
    // request and 500 for any error of the switch or the payee.
    const status =
      fspiopError.code === '3204' || fspiopError.code === '3002'
        ? 404
        : fspiopError.httpStatus === 400 && fspiopError.code.startsWith('31')
          ? 400
          : 500;
    sendJson(response, status, {
      statusCode: fspiopError.code,
      message: fspiopError.message,
      currentState: 'ERROR_OCCURRED',
      ...fspiopError.toBody(),
    });
  }
}
