import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionStatus, MachineInput, MachineName, Orchestrator } from '@perfplane/control';
import {
  type JsonValue,
  type LocalResourceHandler,
  localExecutionContext,
  localHandlersByResource,
  RESOURCES,
} from '@perfplane/core';
import { StateMachine } from 'aws-local-stepfunctions';

type TaskHandler = (input: unknown) => Promise<unknown>;

/** Local implementations of the Task resources the definitions use. */
export interface ResourceHandlers {
  /** codebuild:startBuild.sync: receives the StartBuild parameters. */
  build: TaskHandler;
  /** lambda:invoke of the steps function: receives the invoke parameters. */
  invoke: TaskHandler;
  /** lambda:invoke.waitForTaskToken: resolves when the approval is stored. */
  invokeWithCallback: TaskHandler;
}

export interface LocalOrchestratorOptions {
  /** Folder with {run,rollback,validate}.asl.json. */
  statemachineDir: string;
  handlers: ResourceHandlers;
  /** Called once an execution ends, with its error when it failed or was aborted. */
  onEnd(
    runId: string,
    ended: { ok: boolean; error?: { Error: string; Cause?: unknown } },
  ): Promise<void>;
  /** Test-only shortcuts for Wait states and retries, by state name. */
  waitTimeOverrides?: Record<string, number>;
  retryIntervalOverrides?: Record<string, number | number[]>;
  onError?(error: unknown): void;
}

interface Execution {
  runId: string;
  status: ExecutionStatus;
  abort: () => void;
  done: Promise<void>;
}

type Definition = ConstructorParameters<typeof StateMachine>[0];

/**
 * Runs the generated state machine definitions with aws-local-stepfunctions,
 * one execution per run at a time.
 */
export class LocalOrchestrator implements Orchestrator {
  private readonly executions = new Map<string, Execution>();
  private readonly definitions = new Map<MachineName, Definition>();

  constructor(private readonly options: LocalOrchestratorOptions) {}

  private async definition(machine: MachineName): Promise<Definition> {
    const cached = this.definitions.get(machine);
    if (cached) {
      return cached;
    }
    const file = path.join(this.options.statemachineDir, `${machine}.asl.json`);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Definition;
    this.definitions.set(machine, parsed);
    return parsed;
  }

  async start(machine: MachineName, input: MachineInput): Promise<string> {
    const definition = await this.definition(machine);
    const stateMachine = new StateMachine(definition, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
    const { handlers } = this.options;
    const byResource: Record<string, LocalResourceHandler> = {
      [RESOURCES.build]: (input) => handlers.build(input) as Promise<JsonValue>,
      [RESOURCES.invoke]: (input) => handlers.invoke(input) as Promise<JsonValue>,
      [RESOURCES.invokeWithCallback]: (input) =>
        handlers.invokeWithCallback(input) as Promise<JsonValue>,
    };
    const executionId = `${machine}:${input.runId}:${randomUUID().slice(0, 8)}`;
    const running = stateMachine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: localHandlersByResource(
          definition as never,
          byResource,
        ) as never,
        waitTimeOverrides: this.options.waitTimeOverrides,
        retryIntervalOverrides: this.options.retryIntervalOverrides,
      },
      context: localExecutionContext(executionId),
    });
    const execution: Execution = {
      runId: input.runId,
      status: 'RUNNING',
      abort: running.abort,
      done: Promise.resolve(),
    };
    execution.done = running.result
      .then(
        async () => {
          execution.status = 'SUCCEEDED';
          await this.options.onEnd(input.runId, { ok: true });
        },
        async (error: unknown) => {
          const aborted = execution.status === 'ABORTED';
          if (!aborted) {
            execution.status = 'FAILED';
          }
          await this.options.onEnd(input.runId, {
            ok: false,
            error: aborted
              ? { Error: 'RunStopped', Cause: 'execution stopped' }
              : describeFailure(error),
          });
        },
      )
      .catch((error: unknown) => this.options.onError?.(error));
    this.executions.set(executionId, execution);
    return executionId;
  }

  async stop(executionId: string): Promise<void> {
    const execution = this.executions.get(executionId);
    if (execution?.status !== 'RUNNING') {
      return;
    }
    execution.status = 'ABORTED';
    execution.abort();
  }

  async status(executionId: string): Promise<ExecutionStatus> {
    return this.executions.get(executionId)?.status ?? 'UNKNOWN';
  }

  /** Resolves when every execution started so far has ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((execution) => execution.done));
  }

  running(): string[] {
    return [...this.executions.entries()]
      .filter(([, execution]) => execution.status === 'RUNNING')
      .map(([id]) => id);
  }
}

function describeFailure(error: unknown): { Error: string; Cause?: unknown } {
  // ExecutionError wraps the failing state's error as its cause.
  const inner = (error as { cause?: unknown }).cause ?? error;
  if (inner instanceof Error) {
    return { Error: inner.name, Cause: inner.message };
  }
  return { Error: 'States.Runtime', Cause: String(inner) };
}
