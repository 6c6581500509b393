import { z } from "zod";
import { ROLES } from "../auth/roles";

export const ZEmail = z.string().trim().toLowerCase().email("a valid email address is required").max(254);
export const ZPassword = z.string().min(12, "the password must have at least 12 characters").max(256);

export const ZCreateUser = z.object({ email: ZEmail, password: ZPassword, role: z.enum(ROLES), name: z.string().max(120).optional() });
export type TCreateUser = z.infer<typeof ZCreateUser>;
