/** Identifier of a runbook phase, also the name of its folder under phases/. */
export type PhaseId =
  | '01-prerequisites'
  | '02-infrastructure'
  | '03-kubernetes'
  | '04-mojaloop'
  | '05-k6-infrastructure'
  | '06-first-test'
  | '07-performance-tests'
  | '08-analysis';

/** Expected wall-clock duration of a phase, in minutes. */
export interface DurationRange {
  minMinutes: number;
  maxMinutes: number;
}

/** One entry of the phase catalog. */
export interface Phase {
  id: PhaseId;
  /** Short title used in the progress view and the Step Functions graph. */
  title: string;
  dependsOn: readonly PhaseId[];
  expected: DurationRange;
  /** Checks the phase's validate action makes. */
  validates: string;
  /**
   * True for a phase that deploys nothing and only checks the machine and
   * the account, so its validate runs whether or not it was ever deployed.
   */
  checksOnly?: boolean;
}

const minutes = (minMinutes: number, maxMinutes = minMinutes): DurationRange => ({
  minMinutes,
  maxMinutes,
});

/**
 * The phase catalog, in run order. It is the single source for the state
 * machines, the CLI, the progress view and the CodeBuild project settings.
 */
export const PHASES: readonly Phase[] = [
  {
    id: '01-prerequisites',
    title: 'Prerequisites',
    dependsOn: [],
    expected: minutes(30),
    validates: 'tools, access, service quotas',
    checksOnly: true,
  },
  {
    id: '02-infrastructure',
    title: 'Infrastructure',
    dependsOn: ['01-prerequisites'],
    expected: minutes(120, 180),
    validates: 'VPCs, EKS, RDS',
  },
  {
    id: '03-kubernetes',
    title: 'Kubernetes',
    dependsOn: ['02-infrastructure'],
    expected: minutes(60, 120),
    validates: 'platform services',
  },
  {
    id: '04-mojaloop',
    title: 'Mojaloop',
    dependsOn: ['03-kubernetes'],
    expected: minutes(120, 180),
    validates: '8 DFSPs, security',
  },
  {
    id: '05-k6-infrastructure',
    title: 'K6 Infrastructure',
    dependsOn: ['02-infrastructure'],
    expected: minutes(60, 120),
    validates: 'isolated k6 cluster',
  },
  {
    id: '06-first-test',
    title: 'First Test',
    dependsOn: ['04-mojaloop', '05-k6-infrastructure'],
    expected: minutes(30),
    validates: 'basic connectivity',
  },
  {
    id: '07-performance-tests',
    title: 'Performance Tests',
    dependsOn: ['06-first-test'],
    expected: minutes(240, 360),
    validates: '1000 TPS achievement',
  },
  {
    id: '08-analysis',
    title: 'Analysis',
    dependsOn: ['07-performance-tests'],
    expected: minutes(60, 120),
    validates: 'reports and insights',
  },
];

export const PHASE_IDS: readonly PhaseId[] = PHASES.map((phase) => phase.id);

export function isPhaseId(value: string): value is PhaseId {
  return (PHASE_IDS as readonly string[]).includes(value);
}

/** Returns the catalog entry for `id`, or undefined for an unknown id. */
export function findPhase(id: string): Phase | undefined {
  return PHASES.find((phase) => phase.id === id);
}

/**
 * Resolves a phase from its full id, its number ("4", "04") or its name
 * ("mojaloop"), which is how people type it on the command line.
 */
export function resolvePhase(input: string): Phase | undefined {
  const exact = findPhase(input);
  if (exact) {
    return exact;
  }
  const lowered = input.toLowerCase();
  return PHASES.find((phase) => {
    const [number, ...rest] = phase.id.split('-');
    return Number(number) === Number(lowered) || rest.join('-') === lowered;
  });
}

/** Phases that depend on `id` directly or through other phases, in catalog order. */
export function dependentsOf(id: PhaseId): Phase[] {
  const result = new Set<PhaseId>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const phase of PHASES) {
      if (result.has(phase.id)) {
        continue;
      }
      if (phase.dependsOn.some((dep) => dep === id || result.has(dep))) {
        result.add(phase.id);
        grew = true;
      }
    }
  }
  return PHASES.filter((phase) => result.has(phase.id));
}

/**
 * Orders phases so that every phase comes after the ones it depends on.
 * The catalog is already in such an order; this keeps the guarantee checked.
 */
export function dependencyOrder(phases: readonly Phase[] = PHASES): Phase[] {
  const placed = new Set<PhaseId>();
  const ordered: Phase[] = [];
  const pending = [...phases];
  while (pending.length > 0) {
    const index = pending.findIndex((phase) =>
      phase.dependsOn.every((dep) => placed.has(dep) || !phases.some((p) => p.id === dep)),
    );
    if (index < 0) {
      throw new Error(`phase catalog has a dependency cycle among ${pending.map((p) => p.id)}`);
    }
    const [next] = pending.splice(index, 1);
    if (next) {
      placed.add(next.id);
      ordered.push(next);
    }
  }
  return ordered;
}

/** Reverse dependency order: the order in which phases are rolled back. */
export function rollbackOrder(phases: readonly Phase[] = PHASES): Phase[] {
  return dependencyOrder(phases).reverse();
}
