import type { ApprovalSummary } from "../realtime/events";

/** The queue's filters: each narrows to one value; unset ones match everything. */
export const QUEUE_FILTERS = [
  ["server", "Server"],
  ["tool", "Tool"],
  ["bridge", "Bridge"],
  ["principal", "On behalf of"],
  ["rule", "Rule"],
] as const;
export type QueueFilterKey = (typeof QUEUE_FILTERS)[number][0];
export type QueueFilters = Partial<Record<QueueFilterKey, string>>;

/** What a request shows for a filter; "(none)" when it has no value (no principal, the policy default). */
export function filterValue(a: ApprovalSummary, key: QueueFilterKey): string {
  switch (key) {
    case "server":
      return a.server;
    case "tool":
      return a.tool;
    case "bridge":
      return a.bridgeName;
    case "principal":
      return a.principal ?? "(none)";
    case "rule":
      return a.ruleName ?? "(policy default)";
  }
}

export function applyQueueFilters(items: ApprovalSummary[], filters: QueueFilters): ApprovalSummary[] {
  const active = QUEUE_FILTERS.filter(([key]) => filters[key]);
  if (!active.length) return items;
  return items.filter((a) => active.every(([key]) => filterValue(a, key) === filters[key]));
}

/** The values each filter can take in this queue, sorted, with how many requests have each. */
export function queueFilterOptions(items: ApprovalSummary[]): Record<QueueFilterKey, [string, number][]> {
  const options = {} as Record<QueueFilterKey, [string, number][]>;
  for (const [key] of QUEUE_FILTERS) {
    const counts = new Map<string, number>();
    for (const a of items) counts.set(filterValue(a, key), (counts.get(filterValue(a, key)) ?? 0) + 1);
    options[key] = [...counts].sort(([a], [b]) => a.localeCompare(b));
  }
  return options;
}

/** Filters from a URL query (unknown keys and empty values ignored). */
export function parseQueueFilters(search: URLSearchParams): QueueFilters {
  const filters: QueueFilters = {};
  for (const [key] of QUEUE_FILTERS) {
    const value = search.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}
