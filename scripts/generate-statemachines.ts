/**
 * Writes statemachines/{run,rollback,validate}.asl.json from the phase
 * catalog. Run it with `npm run generate` after changing the catalog or the
 * builders in packages/core/src/statemachines, and commit the output.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildDefinitions,
  definitionFile,
  formatDefinition,
  type MachineName,
  STATEMACHINES_DIR,
} from '../packages/core/src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const definitions = buildDefinitions();
  await mkdir(path.join(root, STATEMACHINES_DIR), { recursive: true });
  for (const name of Object.keys(definitions) as MachineName[]) {
    const file = path.join(root, definitionFile(name));
    // Write beside the target and rename, so a failed run leaves no half-written file.
    const temporary = `${file}.tmp`;
    await writeFile(temporary, formatDefinition(definitions[name]));
    await rename(temporary, file);
    console.log(`wrote ${path.relative(root, file)}`);
  }
}

await main();
