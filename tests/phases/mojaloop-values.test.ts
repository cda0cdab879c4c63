import { loadEnvironment } from '@perfplane/core';
import { describe, expect, it } from 'vitest';
import {
  buildSdkIngress,
  buildSimulatorValues,
} from '../../phases/04-mojaloop/scripts/simulator-values.js';
import { repoRoot } from './run-script.js';

describe('buildSimulatorValues', () => {
  it('has one simulator per DFSP', async () => {
    const environment = await loadEnvironment(repoRoot, 'aws-1000tps');
    const values = buildSimulatorValues(environment);
    expect(Object.keys(values.simulators)).toEqual(environment.dfsps.map((dfsp) => dfsp.id));
    expect(Object.keys(values.simulators)).toHaveLength(8);
  });

  it('follows the security section', async () => {
    const environment = await loadEnvironment(repoRoot, 'aws-1000tps');
    const secure = buildSimulatorValues(environment).simulators.perffsp1?.config.schemeAdapter;
    expect(secure?.env.JWS_SIGN).toBe('true');
    expect(secure?.env.INBOUND_MUTUAL_TLS_ENABLED).toBe('true');
    expect(secure?.secrets.tls.existingSecret).toBe('perffsp1-tls');
    const plain = structuredClone(environment);
    plain.security = { mtls: false, jws: false };
    const adapter = buildSimulatorValues(plain).simulators.perffsp1?.config.schemeAdapter;
    expect(adapter?.env.JWS_SIGN).toBe('false');
    expect(adapter?.env.OUTBOUND_MUTUAL_TLS_ENABLED).toBe('false');
    expect(adapter?.secrets.tls.existingSecret).toBe('');
  });

  it('holds no key material', async () => {
    const environment = await loadEnvironment(repoRoot, 'aws-1000tps');
    const text = JSON.stringify(buildSimulatorValues(environment));
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  });
});

describe('buildSdkIngress', () => {
  it('routes every DFSP', async () => {
    const environment = await loadEnvironment(repoRoot, 'aws-1000tps');
    const paths = buildSdkIngress(environment).spec.rules[0]?.http.paths ?? [];
    expect(paths).toHaveLength(8);
    expect(paths[0]?.path).toBe('/sdk/perffsp1(/|$)(.*)');
  });
});
