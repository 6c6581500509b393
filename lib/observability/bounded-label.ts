/** Label values a process has seen, per label: beyond the cap, new values are counted as "other". */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 100) {}

  /**
   * A label value that keeps a series count bounded. Upstream server names come from the bridges'
   * configuration (a handful), but a bridge token's holder could send any: the cap keeps one from
   * filling the dashboard's memory and the Prometheus server with series.
   */
  of(value: string | undefined): string {
    if (!value) return "none";
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return "other";
    this.seen.add(value);
    return value;
  }
}
