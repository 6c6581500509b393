/**
 * How many sessions, and upstream processes, an `--http` bridge runs at once.
 * Each session spawns one process per command-line upstream, so without a cap
 * anyone who can reach the port makes the machine run a process per initialize.
 */
export interface CapacityLimits {
  maxSessions: number;
  maxProcesses: number;
  /** The command-line upstreams: each session runs one process for each. */
  processesPerSession: number;
}

/** One session's share of the capacity; released once, after its upstream processes are gone. */
export interface CapacityClaim {
  release(): void;
}

export type ClaimResult = { claim: CapacityClaim } | { refusal: string };

export class SessionCapacity {
  private sessions = 0;
  private processes = 0;

  constructor(private readonly limits: CapacityLimits) {}

  /**
   * Claims a session's slot and its processes, or says which cap refuses it and
   * the flag that raises it. Synchronous on purpose: concurrent initialize
   * requests cannot all pass the check before any of them counts.
   */
  tryClaim(): ClaimResult {
    const { maxSessions, maxProcesses, processesPerSession } = this.limits;
    if (this.sessions >= maxSessions) {
      return {
        refusal: `the bridge already serves its maximum of ${maxSessions} MCP sessions (--max-sessions ${maxSessions}): end a session (DELETE) or restart the bridge with a higher --max-sessions`,
      };
    }
    if (this.processes + processesPerSession > maxProcesses) {
      return {
        refusal: `a new session needs ${processesPerSession} upstream process${processesPerSession === 1 ? "" : "es"}, and the bridge already runs ${this.processes} of its ${maxProcesses} (--max-upstream-processes ${maxProcesses}): end a session or restart the bridge with a higher --max-upstream-processes`,
      };
    }
    this.sessions++;
    this.processes += processesPerSession;
    let isReleased = false;
    return {
      claim: {
        release: () => {
          if (isReleased) return;
          isReleased = true;
          this.sessions--;
          this.processes -= processesPerSession;
        },
      },
    };
  }

  get sessionsInUse(): number {
    return this.sessions;
  }
}
