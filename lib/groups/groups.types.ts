import { z } from "zod";
import { ZGroupName } from "../policy/policy.types";
import { ZEmail } from "../users/users.types";

export const ZCreateGroup = z.object({ name: ZGroupName, description: z.string().trim().max(500).optional() }).strict();
export type TCreateGroup = z.infer<typeof ZCreateGroup>;

/** The whole membership, by email: who is not listed is removed. */
export const ZSetGroupMembers = z.object({ members: z.array(ZEmail).max(500) }).strict();
export type TSetGroupMembers = z.infer<typeof ZSetGroupMembers>;
