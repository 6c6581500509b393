import { handleApiError, parseJsonBody } from "@/lib/api/handle-api-error";
import { assertSameOriginWrite } from "@/lib/api/with-auth";
import { assertPasswordSignInOn } from "@/lib/auth/assert-password-sign-in";
import { ZSetPassword } from "@/lib/users/admin-users.types";
import { setPasswordWithLink } from "@/lib/users/manage-users";

// POST /api/set-password: {"token","password"} from a one-time set-password link (no sign-in: the link is the credential); 403 when passwords are off.
export async function POST(req: Request): Promise<Response> {
  try {
    assertSameOriginWrite(req);
    assertPasswordSignInOn();
    const input = await parseJsonBody(req, ZSetPassword);
    return Response.json(await setPasswordWithLink(input));
  } catch (error) {
    return handleApiError(error);
  }
}
