import type { ApprovalSummary } from "../realtime/events";

/**
 * The reviewers' pending queue as the browser keeps it: a snapshot (server render or a
 * re-fetch) plus the socket events since the socket (re)connected. Events that arrive
 * while a re-fetch is in flight are kept, so a held call created between the snapshot
 * and the socket joining is never missing, and a decided one never lingers.
 */
export interface PendingQueue {
  items: ApprovalSummary[];
  /** Created over the socket since the last (re)connect. */
  arrived: Map<string, ApprovalSummary>;
  /** Left the pending state over the socket since the last (re)connect. */
  closed: Set<string>;
}

export function newPendingQueue(initial: ApprovalSummary[]): PendingQueue {
  return { items: sortNewestFirst(initial), arrived: new Map(), closed: new Set() };
}

export function queueArrived(q: PendingQueue, approval: ApprovalSummary): PendingQueue {
  if (q.closed.has(approval.id)) return q;
  const arrived = new Map(q.arrived).set(approval.id, approval);
  const items = q.items.some((a) => a.id === approval.id) ? q.items : sortNewestFirst([approval, ...q.items]);
  return { items, arrived, closed: q.closed };
}

export function queueClosed(q: PendingQueue, id: string): PendingQueue {
  const closed = new Set(q.closed).add(id);
  const arrived = new Map(q.arrived);
  arrived.delete(id);
  return { items: q.items.filter((a) => a.id !== id), arrived, closed };
}

/** A pending request changed without leaving the queue (escalated): its row is updated in place. */
export function queueUpdated(q: PendingQueue, id: string, patch: Partial<ApprovalSummary>): PendingQueue {
  if (!q.items.some((a) => a.id === id)) return q;
  return { ...q, items: q.items.map((a) => (a.id === id ? { ...a, ...patch } : a)) };
}

/** The socket (re)connected: events from now on are counted against the next snapshot. */
export function queueReconnected(q: PendingQueue): PendingQueue {
  return { items: q.items, arrived: new Map(), closed: new Set() };
}

/** A snapshot fetched after the (re)connect replaces the list, keeping what the socket said since. */
export function queueResynced(q: PendingQueue, snapshot: ApprovalSummary[]): PendingQueue {
  const byId = new Map<string, ApprovalSummary>();
  for (const a of snapshot) if (!q.closed.has(a.id)) byId.set(a.id, a);
  for (const [id, a] of q.arrived) if (!byId.has(id)) byId.set(id, a);
  return { items: sortNewestFirst([...byId.values()]), arrived: q.arrived, closed: q.closed };
}

function sortNewestFirst(items: ApprovalSummary[]): ApprovalSummary[] {
  return [...items].sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
}
