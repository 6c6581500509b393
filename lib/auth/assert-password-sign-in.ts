import { AppError } from "../errors/app-error";
import { signInConfig } from "./oidc-config";

export const PASSWORD_SIGNIN_OFF_MESSAGE = "password sign-in is turned off on this dashboard (AIRLOCK_PASSWORD_SIGNIN=off): people sign in with single sign-on";

/** Refuses a password-only path (setup, set-password links, invitations, resets) when passwords are off: 403. */
export function assertPasswordSignInOn(): void {
  if (!signInConfig().isPasswordSignInOn) throw new AppError("forbidden", { message: PASSWORD_SIGNIN_OFF_MESSAGE });
}
