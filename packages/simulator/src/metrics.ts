/** Prometheus text-format metrics of the simulator, kept in memory. */

const BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

class Histogram {
  readonly counts = new Array<number>(BUCKETS_SECONDS.length).fill(0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count += 1;
    for (let i = 0; i < BUCKETS_SECONDS.length; i++) {
      if (seconds <= (BUCKETS_SECONDS[i] as number)) (this.counts[i] as number)++;
    }
  }
}

export class Metrics {
  transfersCommitted = 0;
  readonly transfersRejected = new Map<string, number>();
  readonly stageSeconds = new Map<string, Histogram>();
  readonly requests = new Map<string, number>();
  callbacksFailed = 0;

  countRequest(api: string): void {
    this.requests.set(api, (this.requests.get(api) ?? 0) + 1);
  }

  reject(code: string): void {
    this.transfersRejected.set(code, (this.transfersRejected.get(code) ?? 0) + 1);
  }

  observe(stage: string, seconds: number): void {
    let histogram = this.stageSeconds.get(stage);
    if (!histogram) {
      histogram = new Histogram();
      this.stageSeconds.set(stage, histogram);
    }
    histogram.observe(seconds);
  }

  /** Renders the metrics, with the given positions in major currency units. */
  render(positions: { name: string; position: number }[]): string {
    const lines: string[] = [];
    lines.push('# HELP simulator_transfers_committed_total Transfers committed by the hub.');
    lines.push('# TYPE simulator_transfers_committed_total counter');
    lines.push(`simulator_transfers_committed_total ${this.transfersCommitted}`);

    lines.push(
      '# HELP simulator_transfers_rejected_total Transfers rejected, by FSPIOP error code.',
    );
    lines.push('# TYPE simulator_transfers_rejected_total counter');
    for (const [code, count] of this.transfersRejected) {
      lines.push(`simulator_transfers_rejected_total{code="${code}"} ${count}`);
    }

    lines.push('# HELP simulator_stage_duration_seconds Time the hub spent on a stage.');
    lines.push('# TYPE simulator_stage_duration_seconds histogram');
    for (const [stage, histogram] of this.stageSeconds) {
      BUCKETS_SECONDS.forEach((bound, i) => {
        lines.push(
          `simulator_stage_duration_seconds_bucket{stage="${stage}",le="${bound}"} ${histogram.counts[i]}`,
        );
      });
      lines.push(
        `simulator_stage_duration_seconds_bucket{stage="${stage}",le="+Inf"} ${histogram.count}`,
      );
      lines.push(`simulator_stage_duration_seconds_sum{stage="${stage}"} ${histogram.sum}`);
      lines.push(`simulator_stage_duration_seconds_count{stage="${stage}"} ${histogram.count}`);
    }

    lines.push('# HELP simulator_requests_total HTTP requests received, by API.');
    lines.push('# TYPE simulator_requests_total counter');
    for (const [api, count] of this.requests)
      lines.push(`simulator_requests_total{api="${api}"} ${count}`);
    lines.push(
      '# HELP simulator_callbacks_failed_total FSPIOP callbacks that could not be delivered.',
    );
    lines.push('# TYPE simulator_callbacks_failed_total counter');
    lines.push(`simulator_callbacks_failed_total ${this.callbacksFailed}`);

    lines.push('# HELP simulator_participant_position Net position of a DFSP, in currency units.');
    lines.push('# TYPE simulator_participant_position gauge');
    for (const row of positions) {
      lines.push(`simulator_participant_position{participant="${row.name}"} ${row.position}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
