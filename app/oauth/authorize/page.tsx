import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from "@/components/ui/field";
import { checkAuthorizeRequest, consentToken } from "@/lib/oauth/authorize-request";
import { consentUser } from "@/lib/oauth/consent-user";
import { requirePageUser } from "@/lib/ui/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Connect an MCP client — Airlock", referrer: "no-referrer" };

type Query = Record<string, string | string[] | undefined>;

/** One value per parameter: a repeated parameter makes the request invalid (RFC 6749 §3.1). */
function singleValues(query: Query): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) return null;
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

// GET /oauth/authorize: the OAuth consent page (sign-in first); Approve or Deny posts to /api/oauth/authorize.
export default async function AuthorizePage({ searchParams }: { searchParams: Promise<Query> }) {
  const query = await searchParams;
  const path = `/oauth/authorize?${new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [v].flat().map((x) => [k, x])))).toString()}`;
  await requirePageUser(path);
  const user = await consentUser();
  if (!user) await requirePageUser(path);
  const params = singleValues(query);
  const check = params ? await checkAuthorizeRequest(params) : { ok: false as const, page: "A parameter is given more than once." };
  if (!check.ok && "redirect" in check) redirect(check.redirect);
  if (!check.ok || !user) {
    return (
      <AuthCard title="This link does not work">
        <p role="alert" data-testid="oauth-problem" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          {check.ok ? "Sign in again." : check.page}
        </p>
      </AuthCard>
    );
  }
  const { request, client, bridge, redirectHost } = check.checked;
  return (
    <AuthCard title="Connect an MCP client">
      <div className="space-y-3 text-sm">
        <p>
          <strong data-testid="oauth-client">{client.name}</strong> (the application claims this name) asks to use the bridge{" "}
          <strong data-testid="oauth-bridge">{bridge.name}</strong> as you, <strong>{user.email}</strong>.
        </p>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-slate-700">
          <dt className="font-medium">Bridge endpoint</dt>
          <dd className="break-all font-mono text-xs" data-testid="oauth-resource">
            {request.resource}
          </dd>
          <dt className="font-medium">Sends you back to</dt>
          <dd className="break-all font-mono text-xs" data-testid="oauth-redirect-host">
            {redirectHost}
          </dd>
          <dt className="font-medium">Access</dt>
          <dd>{request.scope}: call tools through the bridge; your rules and reviewers still apply, and you cannot approve your own held calls.</dd>
        </dl>
        <form method="post" action="/api/oauth/authorize" className="flex gap-3 pt-2">
          {Object.entries({ ...request, csrf: consentToken(user, request) }).map(([name, value]) =>
            value === undefined ? null : <input key={name} type="hidden" name={name} value={value} />,
          )}
          <button type="submit" name="decision" value="approve" className={BUTTON_PRIMARY}>
            Approve
          </button>
          <button type="submit" name="decision" value="deny" className={BUTTON_SECONDARY}>
            Deny
          </button>
        </form>
      </div>
    </AuthCard>
  );
}
