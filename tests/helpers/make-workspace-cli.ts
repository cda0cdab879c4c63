// Creates a fixture workspace and prints its root, for trying the CLI by hand:
//   npx tsx tests/helpers/make-workspace-cli.ts [<phase>=<fixture> ...]
import type { PhaseId } from '@perfplane/core';
import { type Fixture, makeWorkspace } from './workspace.js';

const fixtures = Object.fromEntries(
  process.argv.slice(2).map((argument) => argument.split('=') as [PhaseId, Fixture]),
);
const workspace = await makeWorkspace(fixtures);
process.stdout.write(`${workspace.root}\n`);
