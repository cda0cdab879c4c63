import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Artifacts, assertArtifactKey } from '../src/index.js';
import { type LocalServer, s3rverClient, startS3rver } from '../src/testing.js';

const BUCKET = 'perfplane-artifacts';

let folder: string;
let s3: LocalServer;
let artifacts: Artifacts;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'perfplane-s3-'));
  s3 = await startS3rver({ directory: folder });
  artifacts = new Artifacts({ client: s3rverClient(s3.endpoint), bucket: BUCKET });
  await artifacts.ensureBucket();
});

afterAll(async () => {
  await s3.close();
  await rm(folder, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

describe('putObject', () => {
  it('round-trips a string', async () => {
    await artifacts.putObject('runs/run-a/summary.json', '{"ok":true}', {
      contentType: 'application/json',
    });

    expect(await artifacts.getObjectText('runs/run-a/summary.json')).toBe('{"ok":true}');
  });

  it('round-trips a 12 MB buffer byte for byte', async () => {
    const data = randomBytes(12 * 1024 * 1024);
    await artifacts.putObject('results/big.bin', data);

    const read = await readAll(await artifacts.getObjectStream('results/big.bin'));

    expect(read.length).toBe(data.length);
    expect(sha256(read)).toBe(sha256(data));
  });

  it('round-trips a multipart stream byte for byte', async () => {
    const commands: string[] = [];
    const client = s3rverClient(s3.endpoint);
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const streamed = new Artifacts({ client, bucket: BUCKET });
    const data = randomBytes(12 * 1024 * 1024);
    // Uneven chunks, so part boundaries fall inside chunks.
    const chunks = [
      data.subarray(0, 3_000_001),
      data.subarray(3_000_001, 9_999_999),
      data.subarray(9_999_999),
    ];
    await streamed.putObject('results/stream.bin', Readable.from(chunks));

    const read = await readAll(await streamed.getObjectStream('results/stream.bin'));

    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    expect(read.length).toBe(data.length);
    expect(sha256(read)).toBe(sha256(data));
  });

  it('rejects a part size below 5 MiB', async () => {
    const put = artifacts.putObject('a.txt', 'x', { partSizeBytes: 1024 });

    await expect(put).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

describe('getObjectStream', () => {
  it('raises NotFound for a missing key', async () => {
    await expect(artifacts.getObjectStream('missing/key.txt')).rejects.toMatchObject({
      code: 'NotFound',
    });
  });
});

describe('list', () => {
  it('lists keys under a prefix', async () => {
    await artifacts.putObject('bundles/env-a/one.tar.gz', 'one');
    await artifacts.putObject('bundles/env-a/two.tar.gz', 'two!');
    await artifacts.putObject('bundles/env-b/three.tar.gz', 'three');

    const listed = await artifacts.list('bundles/env-a/');

    expect(listed.map((summary) => summary.key)).toEqual([
      'bundles/env-a/one.tar.gz',
      'bundles/env-a/two.tar.gz',
    ]);
    expect(listed.map((summary) => summary.size)).toEqual([3, 4]);
  });

  it('rejects a traversal prefix', async () => {
    await expect(artifacts.list('../')).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

describe('presignGet', () => {
  it('returns a URL that downloads the object', async () => {
    await artifacts.putObject('reports/run-a/report.html', '<h1>report</h1>');

    const url = await artifacts.presignGet('reports/run-a/report.html', 60);
    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<h1>report</h1>');
  });
});

describe('assertArtifactKey', () => {
  const rejected: [string, string][] = [
    ['../secrets', "'..'"],
    ['runs/../../etc/passwd', "'..'"],
    ['runs/./x', "'.'"],
    ['/etc/passwd', 'absolute'],
    ['C:/windows', 'absolute'],
    ['runs\\..\\x', 'backslash'],
    ['runs//x', 'empty segment'],
    ['', 'empty'],
    ['runs/\u0000x', 'control character'],
  ];

  for (const [key, reason] of rejected) {
    it(`rejects ${JSON.stringify(key)}`, () => {
      expect(() => assertArtifactKey(key)).toThrow(reason);
    });
  }

  it('accepts a nested relative key', () => {
    expect(() => assertArtifactKey('runs/run-a/07-performance-tests/k6.json.gz')).not.toThrow();
  });

  it('rejects traversal in putObject before any upload', async () => {
    await expect(artifacts.putObject('../escape.txt', 'x')).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
    expect(await artifacts.list('')).not.toContainEqual(
      expect.objectContaining({ key: expect.stringContaining('escape') }),
    );
  });
});
