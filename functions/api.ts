// HTTP API behind API Gateway with IAM authorization (every route but Slack's).
import { wireApi } from '@perfplane/aws';
import * as control from '@perfplane/control';
import { setup } from './lib/setup.js';

export const handler = wireApi({ ...setup('api'), control });
