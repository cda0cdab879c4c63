export { AdminClient } from './client.js';
export { type OnboardingClients, type OnboardingOptions, onboard } from './onboard.js';
export {
  CALLBACK_ENDPOINTS,
  callbackEndpoints,
  DEFAULT_PARTIES_PER_DFSP,
  msisdnFor,
} from './plan.js';
export { type DfspCheck, verify } from './verify.js';
