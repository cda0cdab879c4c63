import { type PlaceholderName, substitutePlaceholders } from '@perfplane/core';

/** Values the generated definitions leave open until deployment. */
export type DefinitionSubstitutions = Record<PlaceholderName, string>;

/**
 * Fills the `${Name}` placeholders of a state machine definition with core's
 * substitutePlaceholders and returns the JSON text. Also throws on an empty
 * value and on a result that is not JSON, so a broken definition fails the
 * deploy before anything is created.
 */
export function substituteDefinition(
  definition: string,
  values: DefinitionSubstitutions,
  source = 'definition',
): string {
  for (const [name, value] of Object.entries(values)) {
    if (!value) {
      throw new Error(`${source}: substitution "${name}" is empty`);
    }
  }
  let text: string;
  try {
    text = substitutePlaceholders(definition, values);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`, { cause: error });
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON after substitution: ${(error as Error).message}`);
  }
  return text;
}
