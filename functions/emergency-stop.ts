// Emergency stop: execution, builds, k6 TestRuns and the lock.
import { wireEmergencyStop } from '@perfplane/aws';
import * as control from '@perfplane/control';
import { setup } from './lib/setup.js';

export const handler = wireEmergencyStop({ ...setup('emergency-stop'), control });
