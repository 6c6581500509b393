import { z } from "zod";
import { ROLES } from "../auth/roles";
import { normalizeIdentity } from "../identity/normalize-identity";

/** An email in its one normalised spelling (see normalizeIdentity), so every comparison of people agrees. */
export const ZEmail = z.string().transform(normalizeIdentity).pipe(z.string().email("a valid email address is required").max(254));
export const ZPassword = z.string().min(12, "the password must have at least 12 characters").max(256);

export const ZCreateUser = z.object({ email: ZEmail, password: ZPassword, role: z.enum(ROLES), name: z.string().max(120).optional() });
export type TCreateUser = z.infer<typeof ZCreateUser>;
