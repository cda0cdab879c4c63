/** Values the generated definitions leave open until deployment. */
export interface DefinitionSubstitutions {
  ProjectPrefix: string;
  StepsFunctionArn: string;
  /** Lambda the interactive approval task invokes with a task token. */
  ApprovalFunctionArn: string;
}

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Replaces `${Name}` placeholders in a state machine definition and returns
 * the JSON text. Throws on a placeholder without a value, on an empty value and
 * on a result that is not JSON, so a broken definition fails the deploy early.
 */
export function substituteDefinition(
  definition: string,
  values: DefinitionSubstitutions,
  source = 'definition',
): string {
  const table: Record<string, string> = { ...values };
  for (const [name, value] of Object.entries(table)) {
    if (!value) {
      throw new Error(`${source}: substitution "${name}" is empty`);
    }
  }
  const missing = new Set<string>();
  const text = definition.replace(PLACEHOLDER, (match, name: string) => {
    const value = table[name];
    if (value === undefined) {
      missing.add(name);
      return match;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new Error(
      `${source}: no value for placeholder ${[...missing].map((name) => `\${${name}}`).join(', ')}; known: ${Object.keys(table).join(', ')}`,
    );
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON after substitution: ${(error as Error).message}`);
  }
  return text;
}
