import { resolvePhase } from '@perfplane/core';

/** An API call a slash command maps to. */
export interface SlackApiCall {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
}

export type ParsedCommand =
  | { ok: true; call: SlackApiCall; summary: string }
  | { ok: false; message: string };

export const SLACK_USAGE = [
  'Usage: /perfplane <command> <environment> [arguments]',
  '  status <env>                  progress of the environment',
  '  run <env> [phase ...]         start a run (all phases when none given)',
  '  resume <env>                  resume the latest unfinished run',
  '  validate <env>                check every phase',
  '  stop <env>                    emergency stop',
  '  cost-saving <env> on|off      scale down or bring back',
  '  bundle <env>                  build a support bundle and link it',
].join('\n');

const ENVIRONMENT = /^[a-z][a-z0-9-]{0,30}$/;

/** Parses the text of a `/perfplane` slash command into the API call it stands for. */
export function parseSlackCommand(text: string): ParsedCommand {
  const [verb, environment, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  if (!verb || verb === 'help') {
    return { ok: false, message: SLACK_USAGE };
  }
  if (!environment || !ENVIRONMENT.test(environment)) {
    return {
      ok: false,
      message: `missing or invalid environment name after "${verb}".\n${SLACK_USAGE}`,
    };
  }
  const base = `/environments/${environment}`;
  switch (verb) {
    case 'status':
      return {
        ok: true,
        call: { method: 'GET', path: `${base}/progress` },
        summary: `status of ${environment}`,
      };
    case 'run': {
      const phases = rest.map((input) => resolvePhase(input));
      const unknown = rest.filter((_, index) => !phases[index]);
      if (unknown.length > 0) {
        return { ok: false, message: `unknown phase ${unknown.map((p) => `"${p}"`).join(', ')}` };
      }
      const body = phases.length > 0 ? { phases: phases.map((phase) => phase?.id) } : {};
      return {
        ok: true,
        call: { method: 'POST', path: `${base}/runs`, body },
        summary: `run on ${environment}`,
      };
    }
    case 'resume':
      return {
        ok: true,
        call: { method: 'POST', path: `${base}/resume`, body: {} },
        summary: `resume ${environment}`,
      };
    case 'validate':
      return {
        ok: true,
        call: { method: 'POST', path: `${base}/validate`, body: {} },
        summary: `validate ${environment}`,
      };
    case 'stop':
      return {
        ok: true,
        call: {
          method: 'POST',
          path: `${base}/emergency-stop`,
          body: { reason: 'requested from Slack' },
        },
        summary: `emergency stop of ${environment}`,
      };
    case 'cost-saving': {
      const action = rest[0];
      if (action !== 'on' && action !== 'off') {
        return { ok: false, message: 'cost-saving takes "on" or "off"' };
      }
      return {
        ok: true,
        call: { method: 'POST', path: `${base}/cost-saving`, body: { action } },
        summary: `cost-saving ${action} for ${environment}`,
      };
    }
    case 'bundle':
      return {
        ok: true,
        call: { method: 'POST', path: `${base}/support-bundle`, body: {} },
        summary: `support bundle of ${environment}`,
      };
    default:
      return { ok: false, message: `unknown command "${verb}".\n${SLACK_USAGE}` };
  }
}
