import { PerfplaneError } from '@perfplane/core';
import { Command, Option } from 'commander';
import { ApiClient } from './client.js';
import {
  approveCommand,
  costSavingCommand,
  deployCommand,
  emergencyStopCommand,
  reportCommand,
  resumeCommand,
  rollbackCommand,
  showProgressCommand,
  skipCommand,
  supportBundleCommand,
  validateAllCommand,
} from './commands.js';
import { ensureRuntime, findRoot, homeOf, readRuntime, stopRuntime } from './runtime.js';

export interface GlobalOptions {
  env: string;
  api?: string;
}

/** Returns a client for --api, or for the embedded service, started on demand. */
export async function connect(options: GlobalOptions): Promise<ApiClient> {
  if (options.api) {
    // A deployed API uses IAM authorization, so every request is signed with SigV4.
    const { createSigV4Fetch } = await import('@perfplane/aws');
    return new ApiClient(options.api, undefined, createSigV4Fetch());
  }
  return ensureRuntime(findRoot());
}

function approvalOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--interactive', 'ask for approval before each phase deploys').conflicts(
        'autoApprove',
      ),
    )
    .addOption(new Option('--auto-approve', 'deploy without asking (the default)'));
}

export function buildProgram(): Command {
  const program = new Command('perfplane')
    .description('Runs the Mojaloop performance runbook phase by phase')
    .option('--env <name>', 'environment under environments/', 'rehearsal')
    .option('--api <url>', 'control plane API to use instead of the embedded one')
    .exitOverride()
    .configureOutput({
      writeErr: (text) =>
        process.stderr.write(
          text.split('\n').find((line) => line.trim()) ? `${text.trim().split('\n')[0]}\n` : '',
        ),
    })
    .showSuggestionAfterError(false);

  const globals = () => program.opts<GlobalOptions>();
  const withClient =
    <A extends unknown[]>(
      action: (client: ApiClient, globals: GlobalOptions, ...args: A) => Promise<void>,
    ) =>
    async (...args: A) => {
      const options = globals();
      await action(await connect(options), options, ...args);
    };

  approvalOptions(
    program.command('deploy <phase>').description('deploy one phase and wait for it'),
  ).action(
    withClient((client, options, phase: string, flags: { interactive?: boolean }) =>
      deployCommand(client, options.env, [phase], Boolean(flags.interactive)),
    ),
  );
  approvalOptions(
    program.command('run-all').description('deploy every phase in order and wait'),
  ).action(
    withClient((client, options, flags: { interactive?: boolean }) =>
      deployCommand(client, options.env, undefined, Boolean(flags.interactive)),
    ),
  );
  program
    .command('show-progress')
    .description('show each phase, time elapsed and the estimate of time remaining')
    .option('--watch', 'redraw every 2 seconds until the run ends')
    .action(
      withClient((client, options, flags: { watch?: boolean }) =>
        showProgressCommand(client, options.env, Boolean(flags.watch)),
      ),
    );
  program
    .command('validate-all')
    .description('run every phase validation and print one line a phase')
    .option('--detailed', 'add each phase status and what it validates')
    .action(
      withClient((client, options, flags: { detailed?: boolean }) =>
        validateAllCommand(client, options.env, Boolean(flags.detailed)),
      ),
    );
  program
    .command('resume')
    .description('continue the latest failed, stopped or interrupted run')
    .action(withClient((client, options) => resumeCommand(client, options.env)));
  program
    .command('rollback <phase>')
    .description('roll back one phase')
    .option('--cascade', 'also roll back deployed phases that depend on it')
    .action(
      withClient((client, options, phase: string, flags: { cascade?: boolean }) =>
        rollbackCommand(client, options.env, { phase, cascade: Boolean(flags.cascade) }),
      ),
    );
  program
    .command('rollback-all')
    .description('roll back every deployed phase in reverse dependency order')
    .option('--confirm', 'confirm that every resource of the environment is destroyed')
    .action(
      withClient((client, options, flags: { confirm?: boolean }) =>
        rollbackCommand(client, options.env, { all: true, confirm: Boolean(flags.confirm) }),
      ),
    );
  program
    .command('skip <phase>')
    .description('mark a phase as provided by existing infrastructure, then validate it')
    .option('--reason <text>', 'why the phase is skipped (required)')
    .action(
      withClient((client, options, phase: string, flags: { reason?: string }) =>
        skipCommand(client, options.env, phase, flags.reason ?? ''),
      ),
    );
  program
    .command('emergency-stop')
    .description('stop the running run, its builds and load, and free the lock')
    .action(withClient((client, options) => emergencyStopCommand(client, options.env)));
  program
    .command('approve <phase>')
    .description('answer the approval an interactive run waits for')
    .option('--reject', 'reject instead of approve')
    .action(
      withClient((client, options, phase: string, flags: { reject?: boolean }) =>
        approveCommand(client, options.env, phase, !flags.reject),
      ),
    );
  program
    .command('cost-saving')
    .description('scale expensive resources down (or back up with --restore)')
    .addOption(
      new Option('--retain-data', 'keep databases and volumes (the default)').conflicts('restore'),
    )
    .addOption(new Option('--restore', 'bring the scaled-down resources back'))
    .action(
      withClient((client, options, flags: { restore?: boolean }) =>
        costSavingCommand(client, options.env, flags.restore ? 'off' : 'on'),
      ),
    );
  program
    .command('support-bundle')
    .description('write a tar.gz of runs, events and logs with secrets redacted')
    .action(withClient((client, options) => supportBundleCommand(client, options.env)));
  program
    .command('report')
    .description('show where the latest performance report is')
    .action(withClient((client, options) => reportCommand(client, options.env)));

  const runtime = program.command('runtime').description('manage the embedded control plane');
  runtime
    .command('start')
    .description('start the embedded control plane unless it runs')
    .action(async () => {
      const client = await ensureRuntime(findRoot());
      process.stdout.write(`embedded control plane running at ${client.url}\n`);
    });
  runtime
    .command('stop')
    .description('stop the embedded control plane')
    .action(async () => {
      const stopped = await stopRuntime(findRoot());
      process.stdout.write(
        stopped
          ? `stopped the embedded control plane (pid ${stopped.pid})\n`
          : 'the embedded control plane is not running\n',
      );
    });
  runtime
    .command('status')
    .description('show whether the embedded control plane runs')
    .action(async () => {
      const info = await readRuntime(homeOf(findRoot()));
      if (!info) {
        throw new PerfplaneError(
          'ControlPlaneUnavailable',
          'the embedded control plane is not running; start it with `perfplane runtime start`',
        );
      }
      process.stdout.write(`running: pid ${info.pid}, http://127.0.0.1:${info.port}\n`);
    });
  return program;
}
