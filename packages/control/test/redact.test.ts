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

  it('counts each secret', () => {
    const result = redact('password=a1 password=b2 password=c3');
    expect(result.counts).toEqual([{ rule: 'key-value-secret', count: 3 }]);
  });
});
