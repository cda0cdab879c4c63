import type { Environment } from '@perfplane/core';

/** Request a scheduled invocation sends to the cost-saving Lambda. */
export interface CostSavingEvent {
  environment: string;
  action: 'on' | 'off' | 'restop-database';
  source: 'schedule';
}

export interface ScheduleSettings {
  name: string;
  description: string;
  /** EventBridge Scheduler expression: cron(...) or rate(...). */
  expression: string;
  timezone: string;
  input: CostSavingEvent;
}

/**
 * A stopped RDS instance starts itself again after 7 days. Stopping it again
 * every 6 days keeps it stopped while cost-saving mode lasts; the Lambda does
 * nothing when the mode is off or the instance is already stopped.
 */
export const DATABASE_RESTOP_EXPRESSION = 'rate(6 days)';

const CRON = /^cron\((\S+ ){5}\S+\)$/;
const SCHEDULE_NAME_MAX = 64;

function checkCron(expression: string, field: string, environment: string): string {
  if (!CRON.test(expression)) {
    throw new Error(
      `environment "${environment}": costSaving.${field} "${expression}" is not an EventBridge Scheduler cron expression such as cron(0 20 ? * MON-FRI *)`,
    );
  }
  return expression;
}

function checkTimeZone(timezone: string, environment: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new Error(
      `environment "${environment}": costSaving.timezone "${timezone}" is not an IANA time zone such as Europe/London`,
    );
  }
  return timezone;
}

function scheduleName(prefix: string, environment: string, what: string): string {
  const name = `${prefix}-${environment}-${what}`;
  if (name.length > SCHEDULE_NAME_MAX) {
    throw new Error(`schedule name "${name}" is longer than ${SCHEDULE_NAME_MAX} characters`);
  }
  return name;
}

/**
 * Cost-saving schedules of one environment: stop and start at the times its
 * costSaving section gives, in its time zone, and the database re-stop.
 * Environments without a costSaving section or without AWS get none.
 */
export function costSavingSchedules(prefix: string, environment: Environment): ScheduleSettings[] {
  const costSaving = environment.costSaving;
  if (!costSaving || environment.platform !== 'aws') {
    return [];
  }
  const name = environment.name;
  const timezone = checkTimeZone(costSaving.timezone, name);
  const schedules: ScheduleSettings[] = [];
  const input = (action: CostSavingEvent['action']): CostSavingEvent => ({
    environment: name,
    action,
    source: 'schedule',
  });
  if (costSaving.stopSchedule) {
    schedules.push({
      name: scheduleName(prefix, name, 'cost-saving-on'),
      description: `Turn cost-saving mode on for ${name}`,
      expression: checkCron(costSaving.stopSchedule, 'stopSchedule', name),
      timezone,
      input: input('on'),
    });
  }
  if (costSaving.startSchedule) {
    schedules.push({
      name: scheduleName(prefix, name, 'cost-saving-off'),
      description: `Turn cost-saving mode off for ${name}`,
      expression: checkCron(costSaving.startSchedule, 'startSchedule', name),
      timezone,
      input: input('off'),
    });
  }
  if (environment.aws?.rds && costSaving.stopSchedule) {
    schedules.push({
      name: scheduleName(prefix, name, 'restop-database'),
      description: `Stop ${name}'s database again before RDS restarts it after 7 days`,
      expression: DATABASE_RESTOP_EXPRESSION,
      timezone,
      input: input('restop-database'),
    });
  }
  return schedules;
}

/** Lock-reaper schedule: releases leases whose owner execution has ended. */
export const LOCK_REAPER_EXPRESSION = 'rate(15 minutes)';
