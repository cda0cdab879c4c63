// Slack slash commands: POST /slack/commands, no IAM authorization.
import { wireSlack } from '@perfplane/aws';
import { setup } from './lib/setup.js';

export const handler = wireSlack(setup('slack'));
