// Worker-thread bootstrap: loads the TypeScript worker through tsx, since
// Node 20 does not apply --import loader hooks to a worker's entry module.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
