export {
  type ErrorInformationResponse,
  FSPIOP_ERROR_DESCRIPTIONS,
  FspiopError,
} from './fspiop-errors.js';
export type { Settings } from './hub.js';
export { HUB_NAME, Ledger, type LedgerState } from './ledger.js';
export { type Simulator, type SimulatorOptions, startSimulator } from './server.js';
