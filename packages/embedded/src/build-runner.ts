import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  type BuildController,
  LOCK_LEASE_MS,
  type PhaseAction,
  type Store,
} from '@perfplane/control';
import {
  type Environment,
  findPhase,
  PerfplaneError,
  type PhaseId,
  parseDirective,
  REQUIREMENTS_NOT_MET_EXIT,
} from '@perfplane/core';
import { BUILD_PHASES, type BuildPhaseName, type Buildspec, loadBuildspec } from './buildspec.js';
import { groupAlive, killGroup } from './process-group.js';

/** Interval between lock renewals while a build runs, in milliseconds. */
const LEASE_RENEW_MS = 10 * 60 * 1000;

export interface BuildRequest {
  runId: string;
  environment: string;
  phase: PhaseId;
  action: PhaseAction;
  fence: number;
}

/** Result of a finished build, shaped like CodeBuild's StartBuild result. */
export interface BuildResult {
  Build: { Id: string; BuildStatus: 'SUCCEEDED'; ExitCode: number; LastStep: string; Log: string };
}

export interface BuildRunnerOptions {
  /** Repository root; commands run from here. */
  root: string;
  /** Embedded state folder: logs, inputs files and build records go under it. */
  home: string;
  buildspecDir: string;
  store: Store;
  loadEnvironment(name: string): Promise<Environment>;
  /** Milliseconds between SIGTERM and SIGKILL when a build is stopped. Default 5000. */
  killGraceMs?: number;
  /** Minimum milliseconds between two progress writes of one build. Default 250. */
  progressIntervalMs?: number;
}

interface ActiveBuild {
  pgid?: number;
  stopped: boolean;
}

/** A failed build, named as Step Functions names a failed CodeBuild task. */
export class BuildFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'States.TaskFailed';
  }
}

/**
 * Runs a phase's buildspec on this machine the way CodeBuild would: the
 * install, pre_build, build and post_build commands in order, with bash from
 * the repository root, each command in its own process group.
 */
export class LocalBuildRunner implements BuildController {
  private readonly active = new Map<string, ActiveBuild>();

  constructor(private readonly options: BuildRunnerOptions) {}

  buildspecPath(phase: PhaseId): string {
    return path.join(this.options.buildspecDir, `${phase}.yml`);
  }

  /** Parses the buildspecs of the phases, so a broken one fails before anything is recorded. */
  async checkBuildspecs(phases: PhaseId[]): Promise<void> {
    for (const phase of phases) {
      await loadBuildspec(this.buildspecPath(phase));
    }
  }

  async run(request: BuildRequest): Promise<BuildResult> {
    const spec = await loadBuildspec(this.buildspecPath(request.phase));
    const env = await this.options.loadEnvironment(request.environment);
    const buildId = `perfplane-${request.phase}:${randomUUID()}`;
    const logFile = path.join(
      this.options.home,
      'logs',
      request.runId,
      `${request.phase}.${request.action}.log`,
    );
    await mkdir(path.dirname(logFile), { recursive: true });
    await mkdir(path.dirname(this.recordFile(buildId)), { recursive: true });
    const log = createWriteStream(logFile, { flags: 'a' });
    const handle: ActiveBuild = { stopped: false };
    this.active.set(buildId, handle);
    const recorder = new DirectiveRecorder(this.options, request, buildId, logFile);
    let renewal: NodeJS.Timeout | undefined;
    try {
      await this.options.store.appendEvent(request.runId, {
        type: 'build-started',
        phase: request.phase,
        message: `${request.action} build ${buildId}`,
        data: { buildId, action: request.action, logLocation: logFile },
      });
      await recorder.start();
      const variables = await this.variables(request, env, spec);
      const deadline = Date.now() + timeoutMinutes(env, request.phase) * 60_000;
      renewal = setInterval(() => void this.renewLease(request, log), LEASE_RENEW_MS);
      log.write(
        `[perfplane] ${request.action} ${request.phase} run ${request.runId} build ${buildId}\n`,
      );
      const exitCode = await this.runPhases(spec, variables, {
        buildId,
        handle,
        log,
        deadline,
        recorder,
        runId: request.runId,
      });
      await recorder.flush();
      return await this.finish(request, buildId, exitCode, handle, recorder, logFile);
    } finally {
      clearInterval(renewal);
      this.active.delete(buildId);
      await rm(this.recordFile(buildId), { force: true });
      await new Promise<void>((resolve) => log.end(resolve));
    }
  }

  /** Renews the run's lock lease, so a build longer than one lease keeps the lock. */
  private async renewLease(request: BuildRequest, log: WriteStream): Promise<void> {
    try {
      await this.options.store.renewLock({
        environment: request.environment,
        owner: request.runId,
        fence: request.fence,
        leaseMs: LOCK_LEASE_MS,
      });
    } catch (error) {
      log.write(`[perfplane] lock renewal failed: ${(error as Error).message}\n`);
    }
  }

  private async finish(
    request: BuildRequest,
    buildId: string,
    exitCode: number,
    handle: ActiveBuild,
    recorder: DirectiveRecorder,
    logFile: string,
  ): Promise<BuildResult> {
    await this.options.store.appendEvent(request.runId, {
      type: 'build-finished',
      phase: request.phase,
      message: `${request.action} build ended with exit ${exitCode}${handle.stopped ? ' (stopped)' : ''}`,
      data: {
        buildId,
        action: request.action,
        exitCode,
        lastStep: recorder.lastStep,
        stopped: handle.stopped,
      },
    });
    if (handle.stopped) {
      throw new BuildFailedError(`${request.phase} ${request.action} build was stopped`);
    }
    if (exitCode === REQUIREMENTS_NOT_MET_EXIT && request.action === 'deploy') {
      await recorder.markRequirementsNotMet();
      throw new BuildFailedError(
        `${request.phase}: requirements not met: ${recorder.unmet.join('; ') || 'see the log'} (${logFile})`,
      );
    }
    if (exitCode !== 0) {
      throw new BuildFailedError(
        `${request.phase} ${request.action} failed with exit ${exitCode}${recorder.lastStep ? ` at "${recorder.lastStep}"` : ''}; log: ${logFile}`,
      );
    }
    return {
      Build: {
        Id: buildId,
        BuildStatus: 'SUCCEEDED',
        ExitCode: 0,
        LastStep: recorder.lastStep,
        Log: logFile,
      },
    };
  }

  private async variables(
    request: BuildRequest,
    env: Environment,
    spec: Buildspec,
  ): Promise<NodeJS.ProcessEnv> {
    const states = await this.options.store.getPhaseStates(request.environment);
    const inputs = Object.fromEntries(states.map((state) => [state.phaseId, state.outputs]));
    const inputsFile = path.join(
      this.options.home,
      'runs',
      request.runId,
      `${request.phase}.${request.action}.inputs.json`,
    );
    await mkdir(path.dirname(inputsFile), { recursive: true });
    await writeFile(inputsFile, JSON.stringify(inputs, null, 2));
    const fromSpec = Object.fromEntries(
      Object.entries(spec.env.variables).map(([key, value]) => [key, String(value)]),
    );
    return {
      ...process.env,
      ...fromSpec,
      PERFPLANE_ACTION: request.action,
      PERFPLANE_RUN_ID: request.runId,
      PERFPLANE_ENV: request.environment,
      PERFPLANE_PHASE: request.phase,
      PERFPLANE_FENCE: String(request.fence),
      PERFPLANE_PLATFORM: env.platform,
      PERFPLANE_HOME: this.options.home,
      PERFPLANE_INPUTS_FILE: inputsFile,
    };
  }

  /** Runs the build phases with CodeBuild's rules; returns the first failing exit code, or 0. */
  private async runPhases(
    spec: Buildspec,
    variables: NodeJS.ProcessEnv,
    context: CommandContext,
  ): Promise<number> {
    let exitCode = 0;
    let abortedIn: BuildPhaseName | undefined;
    for (const name of BUILD_PHASES) {
      const phase = spec.phases[name];
      if (!phase || context.handle.stopped) {
        continue;
      }
      // After an ABORT, CodeBuild still runs post_build when the build phase failed.
      if (abortedIn && !(abortedIn === 'build' && name === 'post_build')) {
        continue;
      }
      context.log.write(`[perfplane] phase ${name}\n`);
      let phaseExit = await this.runCommands(phase.commands, variables, context);
      const finallyExit = await this.runCommands(phase.finally, variables, context);
      phaseExit = phaseExit || finallyExit;
      if (phaseExit !== 0) {
        exitCode ||= phaseExit;
        if (phase['on-failure'] === 'ABORT') {
          abortedIn ??= name;
        }
      }
    }
    return context.handle.stopped ? exitCode || 143 : exitCode;
  }

  private async runCommands(
    commands: string[],
    variables: NodeJS.ProcessEnv,
    context: CommandContext,
  ): Promise<number> {
    for (const command of commands) {
      if (context.handle.stopped) {
        return 143;
      }
      const code = await this.runCommand(command, variables, context);
      if (code !== 0) {
        context.log.write(`[perfplane] command failed with exit ${code}: ${command}\n`);
        return code;
      }
    }
    return 0;
  }

  private async runCommand(
    command: string,
    variables: NodeJS.ProcessEnv,
    context: CommandContext,
  ): Promise<number> {
    const remaining = context.deadline - Date.now();
    if (remaining <= 0) {
      context.log.write('[perfplane] build timed out before the command started\n');
      return 124;
    }
    context.log.write(`[perfplane] $ ${command}\n`);
    const child = spawn('bash', ['-c', command], {
      cwd: this.options.root,
      env: variables,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Listen before any await, or a command that ends at once is never seen to end.
    const exited = new Promise<number>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      context.log.write(`${line}\n`);
      context.recorder.accept(line);
    });
    child.stderr.on('data', (chunk: Buffer) => context.log.write(chunk));
    const pgid = child.pid;
    if (pgid !== undefined) {
      context.handle.pgid = pgid;
      // Written synchronously, so a stop or a restart never reads the previous command's group.
      writeFileSync(
        this.recordFile(context.buildId),
        JSON.stringify({ buildId: context.buildId, runId: context.runId, pgid }),
      );
    }
    const timer = setTimeout(() => {
      context.log.write(`[perfplane] build timed out; stopping ${command}\n`);
      if (pgid !== undefined) {
        void killGroup(pgid, this.options.killGraceMs ?? 5000);
      }
    }, remaining);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
      context.handle.pgid = undefined;
    }
  }

  private recordFile(buildId: string): string {
    return path.join(
      this.options.home,
      'builds',
      `${buildId.replace(/[^A-Za-z0-9.-]/g, '_')}.json`,
    );
  }

  /** Stops a build: SIGTERM to its process group, SIGKILL after the grace period. */
  async stop(buildId: string): Promise<void> {
    const handle = this.active.get(buildId);
    if (handle) {
      handle.stopped = true;
    }
    let pgid = handle?.pgid;
    if (pgid === undefined) {
      pgid = await readRecordedGroup(this.recordFile(buildId));
    }
    if (pgid !== undefined) {
      await killGroup(pgid, this.options.killGraceMs ?? 5000);
    }
  }

  /**
   * Kills the process groups of builds a previous service left behind, and
   * returns their run ids. Called on start, before anything else runs.
   */
  async killLeftovers(): Promise<{ buildId: string; runId: string; pgid: number }[]> {
    const folder = path.join(this.options.home, 'builds');
    await mkdir(folder, { recursive: true });
    const killed: { buildId: string; runId: string; pgid: number }[] = [];
    for (const entry of await readdir(folder)) {
      const file = path.join(folder, entry);
      const record = await readRecord(file);
      if (record && groupAlive(record.pgid)) {
        await killGroup(record.pgid, this.options.killGraceMs ?? 5000);
        killed.push(record);
      }
      await rm(file, { force: true });
    }
    return killed;
  }

  activeBuilds(): string[] {
    return [...this.active.keys()];
  }
}

interface CommandContext {
  buildId: string;
  runId: string;
  handle: ActiveBuild;
  log: WriteStream;
  deadline: number;
  recorder: DirectiveRecorder;
}

async function readRecord(
  file: string,
): Promise<{ buildId: string; runId: string; pgid: number } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as {
      buildId?: string;
      runId?: string;
      pgid?: number;
    };
    if (typeof parsed.pgid === 'number' && parsed.buildId && parsed.runId) {
      return { buildId: parsed.buildId, runId: parsed.runId, pgid: parsed.pgid };
    }
  } catch {
    // A record cut short by a crash names no group to kill.
  }
  return undefined;
}

async function readRecordedGroup(file: string): Promise<number | undefined> {
  return (await readRecord(file))?.pgid;
}

/** Build timeout of a phase in minutes: the environment's setting, else the catalog maximum. */
export function timeoutMinutes(env: Environment, phase: PhaseId): number {
  return env.buildTimeoutMinutes[phase] ?? findPhase(phase)?.expected.maxMinutes ?? 60;
}

/**
 * Records what a build reports through ##perfplane directives: progress of
 * deploys and rollbacks, outputs of deploys, and unmet requirements.
 * Progress writes are spaced out; outputs and unmet lists are written as
 * they arrive. Validate builds only keep their last step in memory, so they
 * leave the phase's deploy record as it is.
 */
class DirectiveRecorder {
  lastStep = '';
  readonly unmet: string[] = [];
  private readonly outputs: Record<string, string> = {};
  private pending: Promise<unknown> = Promise.resolve();
  private lastProgressAt = 0;
  private progressDirty = false;
  private percent = 0;

  constructor(
    private readonly options: BuildRunnerOptions,
    private readonly request: BuildRequest,
    private readonly buildId: string,
    private readonly logFile: string,
  ) {}

  private get writesPhase(): boolean {
    return this.request.action !== 'validate';
  }

  async start(): Promise<void> {
    if (this.writesPhase) {
      await this.write({ buildId: this.buildId, logLocation: this.logFile });
    }
  }

  accept(line: string): void {
    const directive = parseDirective(line);
    if (!directive) {
      return;
    }
    if (directive.kind === 'progress') {
      this.percent = directive.percent;
      this.lastStep = directive.step || this.lastStep;
      this.progressDirty = true;
      if (Date.now() - this.lastProgressAt >= (this.options.progressIntervalMs ?? 250)) {
        this.queueProgress();
      }
    } else if (directive.kind === 'output' && this.request.action === 'deploy') {
      this.outputs[directive.key] = directive.value;
      this.queue({ outputs: { ...this.outputs } });
    } else if (directive.kind === 'unmet') {
      this.unmet.push(directive.requirement);
      this.queue({ unmet: [...this.unmet] });
    }
  }

  private queueProgress(): void {
    this.lastProgressAt = Date.now();
    this.progressDirty = false;
    this.queue({ percent: this.percent, step: this.lastStep || null });
  }

  private queue(patch: Parameters<Store['updatePhaseState']>[2]): void {
    if (!this.writesPhase) {
      return;
    }
    this.pending = this.pending.then(() => this.write(patch));
  }

  private async write(patch: Parameters<Store['updatePhaseState']>[2]): Promise<void> {
    try {
      await this.options.store.updatePhaseState(
        this.request.environment,
        this.request.phase,
        patch,
        this.request.fence,
      );
    } catch (error) {
      // A stale fence means a newer run owns the phase; this build's reports no longer count.
      if (!(error instanceof PerfplaneError && error.code === 'StaleFence')) {
        throw error;
      }
    }
  }

  async flush(): Promise<void> {
    if (this.progressDirty) {
      this.queueProgress();
    }
    await this.pending;
  }

  async markRequirementsNotMet(): Promise<void> {
    await this.flush();
    await this.write({ status: 'requirements-not-met', unmet: [...this.unmet] });
  }
}
