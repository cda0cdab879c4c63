import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { PhaseId } from '@perfplane/core';
import { PerfplaneError } from '@perfplane/core';
import type { StateMachineName } from '../settings/names.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'UNKNOWN';

export interface MachineInput {
  runId: string;
  environment: string;
  phases: PhaseId[];
  interactive: boolean;
}

/** Step Functions execution names allow 80 characters of letters, digits, `-` and `_`. */
function executionName(runId: string): string {
  const name = runId.replace(/[^A-Za-z0-9_-]/g, '-');
  if (name.length === 0 || name.length > 80) {
    throw new PerfplaneError(
      'InvalidArgument',
      `run id "${runId}" cannot name an execution: use 1-80 characters`,
    );
  }
  return name;
}

/**
 * The control plane's orchestrator on AWS: one Step Functions execution per
 * run, named after the run id so a second start of the same run fails
 * instead of running twice.
 */
export class StepFunctionsOrchestrator {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: (machine: StateMachineName) => string,
  ) {}

  async start(machine: StateMachineName, input: MachineInput): Promise<string> {
    const output = await this.client.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn(machine),
        name: executionName(input.runId),
        input: JSON.stringify(input),
      }),
    );
    if (!output.executionArn) {
      throw new PerfplaneError(
        'Internal',
        `StartExecution of ${input.runId} returned no execution ARN`,
      );
    }
    return output.executionArn;
  }

  /** Stops a running execution; an ended or unknown one is left alone, so a second stop is harmless. */
  async stop(executionArn: string, cause: string): Promise<void> {
    if ((await this.status(executionArn)) !== 'RUNNING') {
      return;
    }
    await this.client.send(
      new StopExecutionCommand({
        executionArn,
        error: 'RunStopped',
        cause: cause.slice(0, 32_768),
      }),
    );
  }

  async status(executionArn: string): Promise<ExecutionStatus> {
    try {
      const output = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      const status = output.status;
      if (
        status === 'RUNNING' ||
        status === 'SUCCEEDED' ||
        status === 'FAILED' ||
        status === 'ABORTED'
      ) {
        return status;
      }
      // TIMED_OUT and PENDING_REDRIVE are ended runs for the control plane.
      return status === 'TIMED_OUT' || status === 'PENDING_REDRIVE' ? 'FAILED' : 'UNKNOWN';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) {
        return 'UNKNOWN';
      }
      throw error;
    }
  }
}
