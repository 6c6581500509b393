import type { Metadata } from "next";
import { cookies } from "next/headers";
import { ArgumentsView } from "@/components/approvals/arguments-view";
import { LinkDecision } from "@/components/approvals/link-decision";
import { LinkPasskey } from "@/components/approvals/link-passkey";
import { RelativeTime } from "@/components/ui/relative-time";
import { getApproval } from "@/lib/approvals/list-approvals";
import { isSteppedUp, STEP_UP_COOKIE } from "@/lib/passkeys/link-step-up";
import { activeReviewer, hasPasskey } from "@/lib/passkeys/passkeys";
import { reviewLinkStepUp } from "@/lib/passkeys/step-up-policy";
import { checkReviewLink, LINK_PROBLEMS, type LinkProblem, reviewerOfLink } from "@/lib/review-links/review-links";
import { optionalPageUser } from "@/lib/ui/session";

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

function Problem({ problem }: { problem: LinkProblem }) {
  return (
    <Shell>
      <h1 className="text-xl font-semibold">This link does nothing</h1>
      <p role="alert" data-testid="link-problem" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
        {LINK_PROBLEMS[problem]}
      </p>
      <a href="/" className="inline-block text-accent underline">
        Open the queue
      </a>
    </Shell>
  );
}

async function RequestView({ token, approvalId, who, signedIn }: { token: string; approvalId: string; who: string; signedIn: boolean }) {
  const a = await getApproval(approvalId);
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
      <LinkDecision token={token} stage={a.stage} who={who} />
      {signedIn && (
        <a href={`/approvals/${a.id}`} className="block text-sm text-accent underline">
          Open the full request (context, session, evidence)
        </a>
      )}
    </Shell>
  );
}

// A reviewer opens a signed, single-use link (from an email or a push) on a phone: who they are (signed in, or their
// passkey), then the request, then one confirmation. Nothing about the request shows before the holder is confirmed.
export default async function ReviewLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const signed = reviewerOfLink(token);
  if (!signed.ok) return <Problem problem={signed.problem} />;
  const user = await optionalPageUser();
  const stepUpRequired = reviewLinkStepUp() === "passkey";
  const stepUpToken = (await cookies()).get(STEP_UP_COOKIE)?.value;
  const signInHref = `/signin?callbackUrl=${encodeURIComponent(`/r/${token}`)}`;

  if (user) {
    const check = await checkReviewLink(token, user);
    if (!check.ok) return <Problem problem={check.problem} />;
    if (!stepUpRequired) return <RequestView token={token} approvalId={check.payload.a} who={`Signed in as ${user.email}.`} signedIn />;
    if (await isSteppedUp(stepUpToken, user.id, check.linkId))
      return <RequestView token={token} approvalId={check.payload.a} who={`Signed in as ${user.email}, confirmed with your passkey.`} signedIn />;
    const notice = (await hasPasskey(user.id)) ? (
      "This dashboard asks for your passkey before every decision through a link, even when you are signed in."
    ) : (
      <>
        This dashboard requires a passkey for decisions through links, and you have none yet. Add one in{" "}
        <a href="/settings/passkeys" className="font-semibold underline">
          Settings → Passkeys
        </a>
        , then open this link again.
      </>
    );
    return (
      <Shell>
        <LinkPasskey token={token} signInHref={null} notice={notice} />
      </Shell>
    );
  }

  // Signed out: the request is shown only to the link's reviewer, once their passkey confirmed it is them.
  const check = await checkReviewLink(token, { id: signed.userId });
  const reviewer = check.ok ? await activeReviewer(signed.userId) : null;
  if (check.ok && reviewer && (await isSteppedUp(stepUpToken, reviewer.id, check.linkId)))
    return <RequestView token={token} approvalId={check.payload.a} who={`Confirmed with the passkey of ${reviewer.email}.`} signedIn={false} />;
  return (
    <Shell>
      <LinkPasskey token={token} signInHref={stepUpRequired ? null : signInHref} notice={null} />
    </Shell>
  );
}
