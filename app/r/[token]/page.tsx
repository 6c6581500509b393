import type { Metadata } from "next";
import { ArgumentsView } from "@/components/approvals/arguments-view";
import { LinkDecision } from "@/components/approvals/link-decision";
import { RelativeTime } from "@/components/ui/relative-time";
import { getApproval } from "@/lib/approvals/list-approvals";
import { checkReviewLink, LINK_PROBLEMS } from "@/lib/review-links/review-links";
import { requirePageUser } from "@/lib/ui/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Decide — Airlock", referrer: "no-referrer" };

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <main className="mx-auto w-full max-w-lg space-y-4 px-4 py-5">
      <p className="text-sm font-bold tracking-tight text-accent">Airlock</p>
      {children}
    </main>
  );
}

// A reviewer opens a signed, single-use link (from an email or a push) on a phone: the request, then one confirmation.
export default async function ReviewLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await requirePageUser(`/r/${token}`);
  const check = await checkReviewLink(token, user);
  if (!check.ok) {
    return (
      <Shell>
        <h1 className="text-xl font-semibold">This link does nothing</h1>
        <p role="alert" data-testid="link-problem" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          {LINK_PROBLEMS[check.problem]}
        </p>
        <a href="/" className="inline-block text-accent underline">
          Open the queue
        </a>
      </Shell>
    );
  }
  const a = await getApproval(check.payload.a);
  return (
    <Shell>
      <h1 className="break-words text-xl font-semibold">
        <span className="font-mono">{a.tool}</span> <span className="font-normal text-slate-600">on {a.server}</span>
      </h1>
      <p className="text-sm text-slate-700">
        {a.principal ? `For ${a.principal} · ` : ""}bridge {a.bridgeName} · <RelativeTime iso={a.expiresAt} mode="left" />
      </p>
      {a.findings.length > 0 && (
        <p className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          The detectors found {a.findings.length} issue{a.findings.length > 1 ? "s" : ""}:{" "}
          {[...new Set(a.findings.map((f) => f.message))].slice(0, 3).join("; ")}
        </p>
      )}
      <section className="space-y-1 rounded-lg border border-slate-200 bg-white p-3">
        <h2 className="text-sm font-semibold text-slate-700">Held because</h2>
        <p className="text-sm">
          {a.ruleName ?? "policy default"} — {a.heldReason}
        </p>
      </section>
      {a.prompt && (
        <section className="space-y-1 rounded-lg border border-slate-200 bg-white p-3">
          <h2 className="text-sm font-semibold text-slate-700">The agent says (not verified)</h2>
          <p className="whitespace-pre-wrap break-words text-sm">{a.prompt}</p>
        </section>
      )}
      <section className="space-y-1 rounded-lg border border-slate-200 bg-white p-3">
        <h2 className="text-sm font-semibold text-slate-700">{a.stage === "result" ? "The call that ran" : "What it will do"}</h2>
        <ArgumentsView value={a.arguments} />
      </section>
      <LinkDecision token={token} stage={a.stage} signedInAs={user.email} />
      <a href={`/approvals/${a.id}`} className="block text-sm text-accent underline">
        Open the full request (context, session, evidence)
      </a>
    </Shell>
  );
}
