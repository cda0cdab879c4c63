// Scheduled: frees locks whose owner execution has ended.
import { wireLockReaper } from '@perfplane/aws';
import * as control from '@perfplane/control';
import { setup } from './lib/setup.js';

export const handler = wireLockReaper({ ...setup('lock-reaper'), control });
