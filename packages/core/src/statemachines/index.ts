import type { StateMachineDefinition } from './asl.js';
import { rollbackMachine } from './rollback.js';
import { runMachine } from './run.js';
import { validateMachine } from './validate.js';

export type * from './asl.js';
export * from './local.js';
export * from './names.js';
export { rollbackMachine, rollbackPhaseStates } from './rollback.js';
export { runMachine, runPhaseStates } from './run.js';
export type * from './steps.js';
export * from './substitute.js';
export {
  APPROVAL_HEARTBEAT_SECONDS,
  APPROVAL_TIMEOUT_SECONDS,
  BUILD_TIMEOUT_SECONDS,
  PLACEHOLDERS,
  RESOURCES,
  STEP_TIMEOUT_SECONDS,
} from './tasks.js';
export { validateMachine, validatePhaseStates } from './validate.js';

export type MachineName = 'run' | 'rollback' | 'validate';

/** Builds the three definitions from the phase catalog. */
export function buildDefinitions(): Record<MachineName, StateMachineDefinition> {
  return { run: runMachine(), rollback: rollbackMachine(), validate: validateMachine() };
}

/** Formats a definition as written to statemachines/<name>.asl.json. */
export function formatDefinition(definition: StateMachineDefinition): string {
  return `${JSON.stringify(definition, null, 2)}\n`;
}

/** Folder, relative to the repository root, holding the generated definitions. */
export const STATEMACHINES_DIR = 'statemachines';

export function definitionFile(name: MachineName): string {
  return `${STATEMACHINES_DIR}/${name}.asl.json`;
}
