// Creates a fixture workspace and prints its root, for trying the CLI by hand.
import { makeWorkspace } from './workspace.js';

const workspace = await makeWorkspace();
process.stdout.write(`${workspace.root}\n`);
