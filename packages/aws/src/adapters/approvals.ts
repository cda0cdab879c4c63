import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { PerfplaneError } from '@perfplane/core';
import type { StateRepository } from '@perfplane/store';

/** The payload the interactive approval task sends, with the task token Step Functions waits on. */
export interface ApprovalRequest {
  step: 'requestApproval';
  runId: string;
  environment: string;
  phase: string;
  action: string;
  taskToken: string;
}

export function isApprovalRequest(
  input: Record<string, unknown>,
): input is ApprovalRequest & Record<string, unknown> {
  return (
    input.step === 'requestApproval' &&
    typeof input.taskToken === 'string' &&
    input.taskToken !== ''
  );
}

/**
 * Approvals on AWS. A Lambda cannot wait a day for a person, so the approval
 * task stores its task token in an `approval-requested` event and returns;
 * the answer from the API then resumes the execution with SendTaskSuccess, or
 * fails the task with RunStopped, which the machines treat as a stop.
 */
export class TaskTokenApprovals {
  constructor(
    private readonly store: Pick<StateRepository, 'appendEvent' | 'listEvents'>,
    private readonly sfn: SFNClient,
  ) {}

  async request(input: ApprovalRequest): Promise<{ waiting: true }> {
    await this.store.appendEvent(input.runId, {
      type: 'approval-requested',
      phase: input.phase as never,
      message: `${input.action} of ${input.phase} waits for approval`,
      data: { action: input.action, taskToken: input.taskToken },
    });
    return { waiting: true };
  }

  /** Resumes the waiting task of the latest approval request for this phase and action. */
  async answer(
    runId: string,
    answer: { phase: string; action: string; approved: boolean },
  ): Promise<void> {
    const events = await this.store.listEvents(runId);
    const requested = events
      .filter(
        (event) =>
          event.type === 'approval-requested' &&
          event.phase === answer.phase &&
          event.data?.action === answer.action &&
          typeof event.data?.taskToken === 'string',
      )
      .at(-1);
    if (!requested) {
      throw new PerfplaneError(
        'Conflict',
        `run ${runId} has no ${answer.action} of ${answer.phase} waiting for approval`,
      );
    }
    const taskToken = String(requested.data?.taskToken);
    if (answer.approved) {
      await this.sfn.send(
        new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approved: true }) }),
      );
      return;
    }
    await this.sfn.send(
      new SendTaskFailureCommand({
        taskToken,
        error: 'RunStopped',
        cause: `${answer.action} of ${answer.phase} was rejected`,
      }),
    );
  }
}
