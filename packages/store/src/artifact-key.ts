import { PerfplaneError } from '@perfplane/core';

/** S3's limit on a key's length, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * Rejects keys that could escape their prefix when mapped to a folder (as the
 * local S3 stand-in and support bundles do): `..` or `.` segments, a leading
 * slash, backslashes, empty segments and control characters.
 */
export function assertArtifactKey(key: string): void {
  const problem = keyProblem(key, false);
  if (problem) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid artifact key ${JSON.stringify(key)}: ${problem}; use relative keys such as runs/<runId>/report.html`,
      { details: { key } },
    );
  }
}

/** Like `assertArtifactKey`, but accepts the empty prefix and a trailing slash. */
export function assertArtifactPrefix(prefix: string): void {
  if (prefix === '') {
    return;
  }
  const problem = keyProblem(prefix, true);
  if (problem) {
    throw new PerfplaneError(
      'InvalidArgument',
      `invalid artifact prefix ${JSON.stringify(prefix)}: ${problem}; use relative prefixes such as runs/<runId>/`,
      { details: { prefix } },
    );
  }
}

function keyProblem(key: string, isPrefix: boolean): string | undefined {
  if (key.length === 0) {
    return 'it is empty';
  }
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    return `it is longer than ${MAX_KEY_BYTES} bytes`;
  }
  if (key.includes('\\')) {
    return 'it contains a backslash';
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    return 'it contains a control character';
  }
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) {
    return 'it is absolute';
  }
  const segments = (isPrefix && key.endsWith('/') ? key.slice(0, -1) : key).split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) {
    return "it contains a '.' or '..' segment";
  }
  if (segments.some((segment) => segment === '')) {
    return 'it contains an empty segment';
  }
  return undefined;
}
