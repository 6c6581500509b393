import { PersonalTokens } from "@/components/admin/personal-tokens";
import { requirePagePermission } from "@/lib/ui/session";
import { listOwnTokens } from "@/lib/users/personal-tokens";

export const dynamic = "force-dynamic";

// Every user's own REST API tokens.
export default async function TokensPage() {
  const user = await requirePagePermission("tokens:own", "/settings/tokens");
  const tokens = await listOwnTokens(user.id);
  return (
    <section className="space-y-4" aria-labelledby="tokens-heading">
      <h1 id="tokens-heading" className="text-2xl font-semibold">
        Personal access tokens
      </h1>
      <p className="text-sm text-slate-600">
        Tokens act as you ({user.role}) on the REST API. A token is shown once when created; Airlock keeps only its hash and prefix.
      </p>
      <PersonalTokens tokens={tokens} />
    </section>
  );
}
