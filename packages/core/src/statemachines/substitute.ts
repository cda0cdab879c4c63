import { PerfplaneError } from '../errors.js';

/** Names of the `${Name}` placeholders the generated definitions contain. */
export type PlaceholderName = 'ProjectPrefix' | 'StepsFunctionArn' | 'ApprovalFunctionArn';

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Replaces every `${Name}` placeholder in a definition's JSON text with its
 * value, for deployments without definition substitutions and for the
 * embedded runtime. Throws when the text uses a placeholder with no value.
 */
export function substitutePlaceholders(
  definitionText: string,
  values: Record<PlaceholderName, string>,
): string {
  const known: Record<string, string> = values;
  const missing = new Set<string>();
  const result = definitionText.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = known[name];
    if (value === undefined) {
      missing.add(name);
      return placeholder;
    }
    // The value lands inside a JSON string, so it is escaped as one.
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new PerfplaneError(
      'InvalidArgument',
      `no value for placeholder ${[...missing].map((name) => `\${${name}}`).join(', ')}; pass it in the substitution values`,
      { details: { missing: [...missing] } },
    );
  }
  return result;
}
