/**
 * The subset of the Amazon States Language (JSONPath flavour) that the
 * generated state machines use. Reference: https://states-language.net/spec.html
 */

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A payload template: keys ending in `.$` hold a path or an intrinsic function. */
export type PayloadTemplate = { [key: string]: JsonValue };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  ResultPath?: string | null;
  Next: string;
}

/** Either the name of the next state or the end of the execution. */
export type Transition = { Next: string; End?: never } | { End: true; Next?: never };

export type TaskState = {
  Type: 'Task';
  Comment?: string;
  Resource: string;
  Parameters?: PayloadTemplate;
  ResultSelector?: PayloadTemplate;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
} & Transition;

export type PassState = {
  Type: 'Pass';
  Comment?: string;
  Result?: JsonValue;
  ResultPath?: string | null;
} & Transition;

/** A Choice rule: one comparison on a variable, or a combination of rules. */
export type ChoiceCondition =
  | { Variable: string; StringEquals: string }
  | { Variable: string; BooleanEquals: boolean }
  | { Variable: string; IsPresent: boolean }
  | { Variable: string; NumericGreaterThan: number }
  | { And: ChoiceCondition[] };

export type ChoiceRule = ChoiceCondition & { Next: string };

export interface ChoiceState {
  Type: 'Choice';
  Comment?: string;
  Choices: ChoiceRule[];
  Default?: string;
}

export interface FailState {
  Type: 'Fail';
  Comment?: string;
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
}

export interface SucceedState {
  Type: 'Succeed';
  Comment?: string;
}

export type State = TaskState | PassState | ChoiceState | FailState | SucceedState;

export type States = Record<string, State>;

export interface StateMachineDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: States;
}
