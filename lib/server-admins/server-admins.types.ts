import { z } from "zod";
import { ZUpstreamName } from "../upstream-secrets/upstream-secrets.types";
import { ZEmail } from "../users/users.types";

// What the per-server admin routes accept. Pure (zod only).

/** The whole list of servers one person administers, by the names bridges report: who is not listed loses them. */
export const ZSetServerAdmins = z.object({ email: ZEmail, servers: z.array(ZUpstreamName).max(200) }).strict();
export type TSetServerAdmins = z.infer<typeof ZSetServerAdmins>;
