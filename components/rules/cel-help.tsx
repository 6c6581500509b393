/** What a rule's `when` can read (lib/policy/cel.ts), with examples; collapsed until asked for. */
const VARIABLES: [string, string][] = [
  ["args", "the call's arguments (map), e.g. args.path"],
  ["tool", "{ name, server, annotations, role: { private, untrusted, sink } }"],
  ["server", "the upstream server's name (string)"],
  ["session", "{ id, client, private, untrusted, tainted }: what the session took in so far"],
  ["principal", 'the human the agent acts for; "" when unknown'],
  [
    "signals",
    "{ args, result }: each { injection, secret, pii, sensitive_path, hidden_text, encoded_payload, any } true at medium or above, and severity.<kind>",
  ],
];
const EXAMPLES = [
  '!args.path.startsWith("/home/me/inbox/")',
  'tool.annotations.destructiveHint == true && principal != "ops@example.com"',
  'signals.args.secret || signals.args.severity.pii == "high"',
  "session.tainted && tool.role.sink",
  "has(args.recipients) && size(args.recipients) > 10",
];

export function CelHelp() {
  return (
    <details className="rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="cel-help">
      <summary className="cursor-pointer font-semibold">Conditions (CEL): variables and examples</summary>
      <div className="mt-2 space-y-2">
        <p className="text-slate-700">
          A rule&apos;s condition is a CEL expression that must be true for the rule to match. A condition that cannot be evaluated (a missing key) fails
          closed: the stricter outcome applies.
        </p>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
          {VARIABLES.map(([name, meaning]) => (
            <div key={name} className="contents">
              <dt className="font-mono font-semibold">{name}</dt>
              <dd className="text-slate-700">{meaning}</dd>
            </div>
          ))}
        </dl>
        <p className="font-medium">Examples</p>
        <ul className="list-inside list-disc font-mono text-xs">
          {EXAMPLES.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      </div>
    </details>
  );
}
