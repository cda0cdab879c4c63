// Every lambda:invoke task of the state machines, and the approval task.
import { wireSteps } from '@perfplane/aws';
import * as control from '@perfplane/control';
import { setup } from './lib/setup.js';

export const handler = wireSteps({ ...setup('steps'), control });
