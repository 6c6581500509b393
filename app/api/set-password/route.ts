import { handleApiError, parseJsonBody } from "@/lib/api/handle-api-error";
import { assertSameOriginWrite } from "@/lib/api/with-auth";
import { ZSetPassword } from "@/lib/users/admin-users.types";
import { setPasswordWithLink } from "@/lib/users/manage-users";

// POST /api/set-password: {"token","password"} from a one-time set-password link (no sign-in: the link is the credential).
export async function POST(req: Request): Promise<Response> {
  try {
    assertSameOriginWrite(req);
    const input = await parseJsonBody(req, ZSetPassword);
    return Response.json(await setPasswordWithLink(input));
  } catch (error) {
    return handleApiError(error);
  }
}
