// Cost-saving mode, invoked by the API Lambda, Slack and the schedules.
import { wireCostSaving } from '@perfplane/aws';
import { setup } from './lib/setup.js';

export const handler = wireCostSaving(setup('cost-saving'));
