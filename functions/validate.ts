// Fast validation through the AWS APIs; optionally starts the validate builds.
import { wireValidate } from '@perfplane/aws';
import * as control from '@perfplane/control';
import { setup } from './lib/setup.js';

export const handler = wireValidate({ ...setup('validate'), control });
