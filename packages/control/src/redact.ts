/** One kind of secret the support bundle removes. */
interface RedactionRule {
  name: string;
  pattern: RegExp;
  /** Replacement; `$1` keeps the key or prefix that identifies the secret. */
  replacement: string;
}

const MASK = '[REDACTED]';

const SECRET_KEY =
  '[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_.-]*';

/** Rules in the order they apply; private keys go first so key=value rules do not split them. */
const RULES: RedactionRule[] = [
  {
    name: 'private-key',
    pattern:
      /-----BEGIN ((?:[A-Z]+ )?PRIVATE KEY)-----[\s\S]*?-----END \1-----|-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----(?:\\n|[\s\S])*?-----END (?:[A-Z]+ )?PRIVATE KEY-----/g,
    replacement: `-----${MASK} PRIVATE KEY-----`,
  },
  { name: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replacement: MASK },
  {
    name: 'aws-secret-access-key',
    pattern:
      /((?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY|SecretAccessKey)\W{1,6})[A-Za-z0-9/+=]{40}/g,
    replacement: `$1${MASK}`,
  },
  {
    name: 'bearer-token',
    pattern: /(\b[Bb]earer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
    replacement: `$1${MASK}`,
  },
  {
    name: 'escaped-json-secret',
    pattern: new RegExp(
      String.raw`(\\+"${SECRET_KEY}\\+"\s*:\s*\\+")(?:[^"\\]|\\(?!"))*(\\+")`,
      'gi',
    ),
    replacement: `$1${MASK}$2`,
  },
  {
    name: 'json-secret',
    pattern: new RegExp(String.raw`("${SECRET_KEY}"\s*:\s*")(?:[^"\\]|\\.)*(")`, 'gi'),
    replacement: `$1${MASK}$2`,
  },
  {
    name: 'key-value-secret',
    pattern: new RegExp(
      String.raw`(\b${SECRET_KEY}\s*[=:]\s*)(?!\[REDACTED\])(?!["\\])[^\s,;&"']+`,
      'gi',
    ),
    replacement: `$1${MASK}`,
  },
  {
    name: 'url-credentials',
    pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(@)/gi,
    replacement: `$1${MASK}$2`,
  },
];

export interface RedactionCount {
  rule: string;
  count: number;
}

/** Removes secrets from text; returns the clean text and how many of each kind it removed. */
export function redact(text: string): { text: string; counts: RedactionCount[] } {
  let result = text;
  const counts: RedactionCount[] = [];
  for (const rule of RULES) {
    let count = 0;
    result = result.replace(rule.pattern, (...args: unknown[]) => {
      count += 1;
      const groups = args.slice(1, -2) as (string | undefined)[];
      return rule.replacement.replace(
        /\$(\d)/g,
        (_, index: string) => groups[Number(index) - 1] ?? '',
      );
    });
    if (count > 0) {
      counts.push({ rule: rule.name, count });
    }
  }
  return { text: result, counts };
}
