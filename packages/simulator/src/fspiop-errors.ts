/**
 * FSPIOP error codes the simulator raises, named as in the FSPIOP API error
 * code list that Mojaloop's central-services-error-handling implements.
 */
export const FSPIOP_ERROR_DESCRIPTIONS = {
  '2001': 'Internal server error',
  '2003': 'Service currently unavailable',
  '3000': 'Generic client error',
  '3001': 'Unacceptable version requested',
  '3002': 'Unknown URI',
  '3100': 'Generic validation error',
  '3101': 'Malformed syntax',
  '3102': 'Missing mandatory element',
  '3106': 'Modified request',
  '3200': 'Generic ID not found',
  '3201': 'Destination FSP Error',
  '3202': 'Payer FSP ID not found',
  '3204': 'Party not found',
  '3205': 'Quote ID not found',
  '3208': 'Transfer ID not found',
  '3300': 'Generic expired error',
  '4001': 'Payer FSP insufficient liquidity',
  '4200': 'Payer limit error',
  '5000': 'Generic Payee error',
  '5200': 'Payee limit error',
} as const;

export type FspiopErrorCode = keyof typeof FSPIOP_ERROR_DESCRIPTIONS;

/** Body of every FSPIOP error: the ErrorInformationResponse schema. */
export interface ErrorInformationResponse {
  errorInformation: { errorCode: string; errorDescription: string };
}

/**
 * An FSPIOP error with the HTTP status of a synchronous reply. The statuses
 * follow central-services-error-handling (500 for 20xx, 503 for 2003, 400 for
 * client, payer and payee errors), except 404 for an unknown URI.
 */
export class FspiopError extends Error {
  readonly code: FspiopErrorCode;
  readonly detail: string;

  constructor(code: FspiopErrorCode, detail = '') {
    const description = FSPIOP_ERROR_DESCRIPTIONS[code];
    super(detail ? `${description} - ${detail}` : description);
    this.name = 'FspiopError';
    this.code = code;
    this.detail = detail;
  }

  get httpStatus(): number {
    if (this.code === '3002') return 404;
    if (this.code === '2003') return 503;
    if (this.code.startsWith('2')) return 500;
    return 400;
  }

  toBody(): ErrorInformationResponse {
    return { errorInformation: { errorCode: this.code, errorDescription: this.message } };
  }
}
