import { z } from "zod";
import { handleApiError, parseJsonBody } from "@/lib/api/handle-api-error";
import { assertSameOriginWrite } from "@/lib/api/with-auth";
import { assertPasswordSignInOn } from "@/lib/auth/assert-password-sign-in";
import { createFirstAdmin } from "@/lib/users/create-user";
import { ZEmail, ZPassword } from "@/lib/users/users.types";

const ZSetupBody = z.object({ email: ZEmail, password: ZPassword, name: z.string().trim().max(120).optional() }).strict();

// POST /api/setup: creates the first admin; only possible while no user exists (409 afterwards) and passwords are on (403).
export async function POST(req: Request) {
  try {
    // No session yet, but still a write a foreign page must not make: the first admin is the whole dashboard.
    assertSameOriginWrite(req);
    assertPasswordSignInOn();
    const user = await createFirstAdmin(await parseJsonBody(req, ZSetupBody));
    return Response.json({ id: user.id, email: user.email, role: user.role }, { status: 201 });
  } catch (error) {
    return handleApiError(error);
  }
}
