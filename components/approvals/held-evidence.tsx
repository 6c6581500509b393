import { ToolFindings } from "@/components/tools/tool-findings";
import type { TChain, TFindingWire } from "@/lib/bridge-api/bridge-api.types";
import { jsonFields, resultFields } from "@/lib/detectors/content-fields";

/** One line: why this request is in front of the reviewer. */
export function WhyHeld({
  stage,
  findings,
  chain,
  heldReason,
}: {
  stage: "call" | "result";
  findings: TFindingWire[];
  chain: TChain | null;
  heldReason: string;
}) {
  const worst = findings.find((f) => f.severity === "high") ?? findings.find((f) => f.severity === "medium");
  const steps = (list: TChain["private"]) => list.map((s) => `step ${s.index + 1} (${s.tool || "a tool"})`).join(", ");
  const line =
    stage === "result"
      ? `The tool ran; its result reaches the model only if you release it${worst ? ` — ${worst.message}` : ""}.`
      : chain?.private.length && chain.untrusted.length
        ? `This call sends data out after the session read private data (${steps(chain.private)}) and untrusted content (${steps(chain.untrusted)}).`
        : worst
          ? `Held because ${worst.message} (in ${worst.location}); ${heldReason}.`
          : `Held by ${heldReason}.`;
  return (
    <p data-testid="why-held" className="rounded-md border border-sky-200 bg-sky-50 p-3 text-sm font-medium text-sky-950">
      {line}
    </p>
  );
}

/** What a held result says, as text a person reads (not escaped JSON). */
export function HeldResult({ result }: { result: Record<string, unknown> }) {
  const fields = resultFields(result);
  return (
    <div className="space-y-2" data-testid="held-result">
      {fields.length === 0 && <p className="text-sm text-slate-600">The result has no text.</p>}
      {fields.map((f) => (
        <div key={f.location}>
          <p className="text-xs font-medium text-slate-500">{f.location}</p>
          <pre className="max-h-96 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 text-sm text-slate-900">{f.text}</pre>
        </div>
      ))}
    </div>
  );
}

/** The detectors' findings on the arguments and the result, each span shown in place. */
export function HeldFindings({ findings, args, result }: { findings: TFindingWire[]; args: Record<string, unknown>; result: Record<string, unknown> | null }) {
  const textAt = Object.fromEntries([...jsonFields("arguments", args), ...(result ? resultFields(result) : [])].map((f) => [f.location, f.text]));
  return <ToolFindings findings={findings} textAt={textAt} emptyText="The detectors found nothing in this call." />;
}

/** The earlier steps that brought private data and untrusted content into the session. */
export function SessionChainView({ chain }: { chain: TChain }) {
  const row = (label: string, steps: TChain["private"]) => (
    <li>
      <span className="font-medium">{label}:</span>{" "}
      {steps.map((s) => (
        <span key={s.index} className="mr-2 inline-block rounded bg-slate-100 px-1.5 font-mono text-xs">
          {s.index + 1}. {s.tool || "?"}
          {s.server ? ` on ${s.server}` : ""}
        </span>
      ))}
    </li>
  );
  return (
    <ul className="space-y-1 text-sm" data-testid="session-chain">
      {row("Private data came in at", chain.private)}
      {row("Untrusted content came in at", chain.untrusted)}
      <li className="text-slate-600">This call would send data out of the session.</li>
    </ul>
  );
}
