import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { loadEnvironment } from '@perfplane/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTfvars } from '../../phases/02-infrastructure/scripts/tfvars.js';
import { repoRoot } from './run-script.js';

const tfDir = path.join(repoRoot, 'phases/02-infrastructure/terraform');
const tfFiles = readdirSync(tfDir).filter((file) => file.endsWith('.tf'));
const source = tfFiles.map((file) => readFileSync(path.join(tfDir, file), 'utf8')).join('\n');

type Block = Record<string, unknown>;
interface Parsed {
  variable?: Record<string, Block[]>;
  locals?: Block[];
  output?: Record<string, Block[]>;
  module?: Record<string, Block[]>;
  resource?: Record<string, Record<string, Block[]>>;
  provider?: Record<string, Block[]>;
  terraform?: Block[];
}

let parsed: Parsed[] = [];

/** hcl2json renders a bare reference as an interpolation string. */
const hclReference = (name: string) => `\${${name}}`;

function merged<K extends keyof Parsed>(key: K): NonNullable<Parsed[K]>[] {
  return parsed.map((file) => file[key]).filter((value) => value !== undefined) as NonNullable<
    Parsed[K]
  >[];
}

const declaredVariables = () => new Set(merged('variable').flatMap((block) => Object.keys(block)));
const declaredLocals = () =>
  new Set(merged('locals').flatMap((list) => list.flatMap((block) => Object.keys(block))));
const declaredOutputs = () => new Set(merged('output').flatMap((block) => Object.keys(block)));
const resources = () =>
  merged('resource').flatMap((byType) =>
    Object.entries(byType).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, blocks]) => ({ type, name, body: blocks[0] ?? {} })),
    ),
  );

beforeAll(async () => {
  parsed = (await Promise.all(
    tfFiles.map((file) => parse(file, readFileSync(path.join(tfDir, file), 'utf8'))),
  )) as Parsed[];
});

describe('terraform files', () => {
  it('parse as HCL', () => {
    expect(parsed).toHaveLength(tfFiles.length);
    expect(tfFiles.length).toBeGreaterThanOrEqual(7);
  });

  it('pass terraform fmt', () => {
    const result = spawnSync('terraform', ['fmt', '-check', '-recursive', tfDir], {
      encoding: 'utf8',
    });
    expect(result.error, 'terraform must be on PATH').toBeUndefined();
    expect(result.stdout, 'files terraform fmt would rewrite').toBe('');
    expect(result.status).toBe(0);
  });
});

describe('terraform variables', () => {
  it('declares every variable used', () => {
    const used = new Set([...source.matchAll(/\bvar\.([a-z0-9_]+)/g)].map((match) => match[1]));
    const declared = declaredVariables();
    expect([...used].filter((name) => name && !declared.has(name))).toEqual([]);
  });

  it('uses every declared variable', () => {
    const declared = declaredVariables();
    const unused = [...declared].filter((name) => !source.includes(`var.${name}`));
    expect(unused).toEqual([]);
  });

  it('declares every local used', () => {
    const used = new Set([...source.matchAll(/\blocal\.([a-z0-9_]+)/g)].map((match) => match[1]));
    const declared = declaredLocals();
    expect([...used].filter((name) => name && !declared.has(name))).toEqual([]);
  });

  it('matches the generated tfvars', async () => {
    const environment = await loadEnvironment(repoRoot, 'aws-1000tps');
    const tfvars = buildTfvars(environment, { runId: 'run-1', adminPrincipalArns: [] });
    const declared = declaredVariables();
    expect(Object.keys(tfvars).filter((key) => !declared.has(key))).toEqual([]);
    const required = merged('variable').flatMap((block) =>
      Object.entries(block)
        .filter(([, blocks]) => !('default' in (blocks[0] ?? {})))
        .map(([name]) => name),
    );
    expect(required.filter((name) => !(name in tfvars))).toEqual([]);
  });
});

describe('terraform tagging', () => {
  it('sets default_tags on aws', () => {
    const aws = merged('provider').flatMap((block) => block.aws ?? [])[0] ?? {};
    const defaults = JSON.stringify(aws.default_tags ?? null);
    expect(defaults).toContain('local.tags');
    const tagsLocal = merged('locals')
      .flat()
      .find((block) => 'tags' in block);
    expect(String(tagsLocal?.tags)).toContain('perfplane:environment');
    expect(String(tagsLocal?.tags)).toContain('perfplane:run');
  });

  it('uses only the aws provider', () => {
    const foreign = resources().filter(({ type }) => !type.startsWith('aws_'));
    expect(foreign).toEqual([]);
  });

  it('passes tags to every module', () => {
    const modules = merged('module').flatMap((block) => Object.entries(block));
    expect(modules.length).toBeGreaterThanOrEqual(5);
    for (const [name, blocks] of modules) {
      expect(String(blocks[0]?.tags), `module ${name}`).toContain('local.tags');
    }
  });

  it('pins module versions', () => {
    for (const [name, blocks] of merged('module').flatMap((block) => Object.entries(block))) {
      expect(String(blocks[0]?.version), `module ${name}`).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});

describe('terraform peering', () => {
  it('routes both ways', () => {
    const routes = resources().filter(({ type }) => type === 'aws_route');
    const through = routes.filter(({ body }) =>
      String(body.vpc_peering_connection_id).includes('aws_vpc_peering_connection.'),
    );
    const toK6 = through.find(
      ({ body }) => String(body.destination_cidr_block) === hclReference('var.k6_cluster.vpc_cidr'),
    );
    const toMojaloop = through.find(
      ({ body }) =>
        String(body.destination_cidr_block) === hclReference('var.mojaloop_cluster.vpc_cidr'),
    );
    expect(String(toK6?.body.route_table_id)).toContain('mojaloop_vpc');
    expect(String(toMojaloop?.body.route_table_id)).toContain('k6_vpc');
  });

  it('accepts the peering', () => {
    const peering = resources().find(({ type }) => type === 'aws_vpc_peering_connection');
    expect(peering?.body.auto_accept).toBe(true);
  });
});

describe('terraform state', () => {
  it('uses the s3 backend', () => {
    const backend = JSON.stringify(merged('terraform'));
    expect(backend).toContain('"s3"');
  });

  it('locks with use_lockfile', () => {
    const helpers = readFileSync(
      path.join(repoRoot, 'phases/02-infrastructure/scripts/terraform.sh'),
      'utf8',
    );
    expect(helpers).toContain('use_lockfile=true');
  });
});

describe('terraform outputs', () => {
  const deploy = readFileSync(path.join(repoRoot, 'phases/02-infrastructure/deploy.sh'), 'utf8');
  const recordList = /for key in ([\s\S]*?); do/.exec(deploy)?.[1] ?? '';
  const recorded = recordList.split(/[\s\\]+/).filter(Boolean);

  it('exist for every recorded key', () => {
    expect(recorded.length).toBeGreaterThan(5);
    const outputs = declaredOutputs();
    expect(recorded.filter((key) => !outputs.has(key))).toEqual([]);
  });

  it('cover what later phases read', () => {
    const phases = readdirSync(path.join(repoRoot, 'phases')).filter((dir) => /^0[3-8]-/.test(dir));
    const read = new Set<string>();
    for (const phase of phases) {
      const dir = path.join(repoRoot, 'phases', phase);
      const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) =>
        file.endsWith('.sh'),
      );
      for (const file of files) {
        const text = readFileSync(path.join(dir, file), 'utf8');
        for (const match of text.matchAll(/pp_input 02-infrastructure ([a-z0-9_]+)/g)) {
          if (match[1]) read.add(match[1]);
        }
      }
    }
    const provided = new Set([...recorded, 'state_bucket', 'leftover_resources']);
    expect([...read].filter((key) => !provided.has(key))).toEqual([]);
  });
});
