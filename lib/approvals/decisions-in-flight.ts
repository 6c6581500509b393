// Decisions before alerts. An agent waits on every decision (its held call runs when the
// decision lands), while an alert has a second to arrive. A request's alerts start the
// moment it is created, and a reviewer who decides at once would otherwise find the
// event loop busy with them (their queries, the webhook's signature, the push message's
// encryption): measured on PostgreSQL, that doubled decision → upstream. So the alert
// work waits, between its steps, for the decisions in flight at that moment.
//
// Only those: a decision that arrives later does not delay it again, so alerts are
// delayed, never starved; and never longer than MAX_WAIT_MS, whatever a decision does.
// Per process (the event loop is what is shared); the set sits on globalThis because
// Next's route bundles and the custom server load their own copies of this module.

const MAX_WAIT_MS = 1_000;

const globalForDecisions = globalThis as unknown as { __airlockDecisionsInFlight?: Set<Promise<unknown>> };
globalForDecisions.__airlockDecisionsInFlight ??= new Set();
const inFlight = globalForDecisions.__airlockDecisionsInFlight;

/** Marks a decision as in flight until it settles; returns it unchanged. */
export function trackDecision<T>(decision: Promise<T>): Promise<T> {
  inFlight.add(decision);
  const settled = () => inFlight.delete(decision);
  decision.then(settled, settled);
  return decision;
}

/** Resolves once the decisions in flight now have settled (or after MAX_WAIT_MS); at once when there are none. */
export async function afterDecisionsInFlight(): Promise<void> {
  if (!inFlight.size) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...inFlight]),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, MAX_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
}
