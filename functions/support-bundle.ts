// Support bundle: redacted tar.gz in S3 and a presigned link.
import { wireSupportBundle } from '@perfplane/aws';
import * as control from '@perfplane/control';
import { setup } from './lib/setup.js';

export const handler = wireSupportBundle({ ...setup('support-bundle'), control });
