import { withAuth } from "@/lib/api/with-auth";
import { listPolicyVersions } from "@/lib/rules/policy-versions";

// GET /api/rules/versions: every policy version, newest first, with author, comment and diff.
export const GET = withAuth(async () => Response.json({ versions: await listPolicyVersions() }), { permission: "rules:read" });
