import { PerfplaneError } from '../errors.js';
import { installPolyfills } from '../polyfills.js';
import type { JsonValue } from './asl.js';

/**
 * A local implementation of one Task resource. It receives the state's input
 * after InputPath and Parameters, as the local engine passes it, and the
 * name of the state it runs for.
 */
export type LocalResourceHandler = (
  input: JsonValue,
  stateName: string,
) => Promise<JsonValue> | JsonValue;

/** The shape of aws-local-stepfunctions' `taskResourceLocalHandlers`: one handler per state name. */
export type LocalHandlersByState = Record<string, (input: JsonValue) => Promise<JsonValue>>;

interface DefinitionWithStates {
  States: Record<string, { Type: string; Resource?: string }>;
}

/**
 * Maps every Task state of `definition` to the handler of its Resource ARN,
 * because the local engine looks handlers up by state name. Throws when a
 * Task uses a resource with no handler, since the engine would otherwise call
 * AWS. Installs the polyfills the engine needs on Node 20.
 */
export function localHandlersByResource(
  definition: DefinitionWithStates,
  byResource: Record<string, LocalResourceHandler>,
): LocalHandlersByState {
  installPolyfills();
  const handlers: LocalHandlersByState = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') {
      continue;
    }
    const resource = state.Resource ?? '';
    const handler = byResource[resource];
    if (!handler) {
      throw new PerfplaneError(
        'InvalidArgument',
        `no local handler for resource "${resource}" of state "${stateName}"; add it to the handlers by resource`,
        { details: { stateName, resource } },
      );
    }
    handlers[stateName] = async (input) => handler(input, stateName);
  }
  return handlers;
}

/**
 * Wraps an in-process function as a local `lambda:invoke` handler: it passes
 * the `Payload` parameter in and returns `{ Payload: result }`, the shape the
 * definitions' ResultSelectors read.
 */
export function asLambdaInvoke<TPayload, TResult extends JsonValue>(
  handler: (payload: TPayload, stateName: string) => Promise<TResult> | TResult,
): LocalResourceHandler {
  return async (input, stateName) => {
    const payload = (input as { Payload?: unknown } | null)?.Payload;
    const result = await handler(payload as TPayload, stateName);
    return { Payload: result };
  };
}

/**
 * Returns the context object to run the definitions locally with. The
 * approval task reads `$$.Task.Token`, which the local engine has only when
 * the caller provides it. The local approval handler ignores the token.
 */
export function localExecutionContext(executionName: string): { Task: { Token: string } } {
  return { Task: { Token: `local:${executionName}` } };
}
