import { describe, expect, it } from 'vitest';
import { redact } from '../src/redact.js';

const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('redact', () => {
  const cases: { name: string; input: string; secret: string; rule: string }[] = [
    {
      name: 'AWS access key id',
      input: 'key AKIAIOSFODNN7EXAMPLE used',
      secret: 'AKIAIOSFODNN7EXAMPLE',
      rule: 'aws-access-key-id',
    },
    {
      name: 'AWS secret in env',
      input: `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`,
      secret: AWS_SECRET,
      rule: 'aws-secret-access-key',
    },
    {
      name: 'bearer token',
      input: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def',
      secret: 'eyJhbGciOiJIUzI1NiJ9',
      rule: 'bearer-token',
    },
    {
      name: 'password key=value',
      input: 'mysql --user=app DB_PASSWORD=hunter2secret --host db',
      secret: 'hunter2secret',
      rule: 'key-value-secret',
    },
    {
      name: 'password in JSON',
      input: '{"user":"app","password":"s3cr3t-value"}',
      secret: 's3cr3t-value',
      rule: 'json-secret',
    },
    {
      name: 'password in escaped JSON',
      input: '{"values":"{\\"adminPassword\\":\\"escaped-s3cret\\"}"}',
      secret: 'escaped-s3cret',
      rule: 'escaped-json-secret',
    },
    {
      name: 'private key',
      input:
        'x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----\ny',
      secret: 'MIIEpAIBAAKCAQEA7',
      rule: 'private-key',
    },
    {
      name: 'private key with escaped newlines',
      input: '"key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----"',
      secret: 'MIIEvQIBADANBg',
      rule: 'private-key',
    },
    {
      name: 'credentials in URL',
      input: 'mysql://app:pa55word@db:3306/central',
      secret: 'pa55word',
      rule: 'url-credentials',
    },
    {
      name: 'single-quoted password',
      input: "password: 'hunter2'",
      secret: 'hunter2',
      rule: 'key-value-secret',
    },
    {
      name: 'double-quoted password with space',
      input: 'password = "two words"',
      secret: 'two words',
      rule: 'key-value-secret',
    },
    {
      name: 'tab-separated password',
      input: 'password\thunter2tab',
      secret: 'hunter2tab',
      rule: 'key-value-secret',
    },
    {
      name: 'basic authorization',
      input: 'Authorization: Basic dXNlcjpodW50ZXIy',
      secret: 'dXNlcjpodW50ZXIy',
      rule: 'basic-auth',
    },
    {
      name: 'password flag',
      input: 'mysql --password hunter2flag --host db',
      secret: 'hunter2flag',
      rule: 'secret-flag',
    },
    {
      name: 'token flag',
      input: 'gh auth --token tok3nvalue',
      secret: 'tok3nvalue',
      rule: 'secret-flag',
    },
    {
      name: 'secret flag quoted',
      input: "tool --secret 'two part'",
      secret: 'two part',
      rule: 'secret-flag',
    },
    {
      name: 'env name ending _PASS',
      input: 'DB_PASS=hunter2pass',
      secret: 'hunter2pass',
      rule: 'env-secret',
    },
    {
      name: 'env name ending _KEY',
      input: 'export ENCRYPTION_KEY=abc123key',
      secret: 'abc123key',
      rule: 'env-secret',
    },
    {
      name: 'env name ending _TOKEN quoted',
      input: 'SLACK_BOT_TOKEN="quoted value"',
      secret: 'quoted value',
      rule: 'key-value-secret',
    },
    {
      name: 'short AWS secret in env',
      input: 'AWS_SECRET_ACCESS_KEY=shortsecret',
      secret: 'shortsecret',
      rule: 'key-value-secret',
    },
    {
      name: 'env name ending _SECRET with tab',
      input: 'CLIENT_SECRET\tsecretvalue9',
      secret: 'secretvalue9',
      rule: 'key-value-secret',
    },
    {
      name: 'GitHub personal token',
      input: 'using ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      secret: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      rule: 'github-token',
    },
    {
      name: 'GitHub OAuth token',
      input: 'gho_abcdefghijklmnopqrstuvwxyz0123456789',
      secret: 'gho_abcdefghijklmnopqrstuvwxyz0123456789',
      rule: 'github-token',
    },
    {
      name: 'GitHub app token',
      input: 'ghs_abcdefghijklmnopqrstuvwxyz0123456789',
      secret: 'ghs_abcdefghijklmnopqrstuvwxyz0123456789',
      rule: 'github-token',
    },
    {
      name: 'GitHub fine-grained token',
      input: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop',
      secret: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop',
      rule: 'github-token',
    },
    {
      name: 'Slack bot token',
      input: 'xoxb-1234567890-abcdefghij',
      secret: 'xoxb-1234567890-abcdefghij',
      rule: 'slack-token',
    },
    {
      name: 'Slack user token',
      input: 'xoxp-1234567890-abcdefghij',
      secret: 'xoxp-1234567890-abcdefghij',
      rule: 'slack-token',
    },
    {
      name: 'Slack app token',
      input: 'xapp-1-A0123456789-abcdef',
      secret: 'xapp-1-A0123456789-abcdef',
      rule: 'slack-token',
    },
  ];

  for (const entry of cases) {
    it(entry.name, () => {
      const result = redact(entry.input);
      expect(result.text).not.toContain(entry.secret);
      expect(result.text).toContain('[REDACTED]');
      expect(result.counts.map((count) => count.rule)).toContain(entry.rule);
    });
  }

  it('keeps ordinary text', () => {
    const line = '##perfplane[progress] 45 Deploying platform services';
    expect(redact(line).text).toBe(line);
    expect(redact(line).counts).toEqual([]);
  });

  const references = [
    'secretKeyRef: db-credentials',
    'secretKeyRef:\n  name: db-credentials\n  key: password',
    'secretName: tls-cert',
    'valueFrom:\n  secretKeyRef:\n    name: mojaloop-db',
  ];
  for (const line of references) {
    it(`keeps reference ${JSON.stringify(line.split('\n')[0])}`, () => {
      expect(redact(line).text).toBe(line);
    });
  }

  it('counts each secret', () => {
    const result = redact('password=a1 password=b2 password=c3');
    expect(result.counts).toEqual([{ rule: 'key-value-secret', count: 3 }]);
  });
});
