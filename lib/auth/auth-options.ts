import { headers } from "next/headers";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers/index";
import { recordAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { CLIENT_ADDRESS_HEADER } from "../server/client-address";
import { signInWithOidc } from "../users/sign-in-with-oidc";
import { ZEmail } from "../users/users.types";
import { signInConfig } from "./oidc-config";
import { OIDC_PROVIDER_ID, oidcProvider } from "./oidc-provider";
import { verifyAgainstDummy, verifyPassword } from "./passwords";
import type { TRole } from "./roles";
import { endSessions } from "./session-user";
import { throttleDelay, throttleFailure, throttleSuccess } from "./sign-in-throttle";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; role: TRole; name?: string | null; sessionVersion?: number };
  }
  interface User {
    role: TRole;
    sessionVersion: number;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    role?: TRole;
    /** The user's session version at sign-in; the session ends when the user's version moves on. */
    sv?: number;
  }
}

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

const passwordProvider = () =>
  CredentialsProvider({
    name: "Email and password",
    credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
    async authorize(credentials, req) {
      const email = ZEmail.safeParse(credentials?.email);
      const password = typeof credentials?.password === "string" ? credentials.password : "";
      if (!email.success || !password) return null;
      // Set by the custom server from the socket (or a trusted proxy's X-Forwarded-For), never by the client.
      const address = String(req?.headers?.[CLIENT_ADDRESS_HEADER] ?? "unknown");
      const attempt = { email: email.data, address };
      if ((await throttleDelay(attempt)) > 0) return null;
      const user = await db.user.findUnique({ where: { email: email.data } });
      const isValid = user && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
      if (!user || !isValid) {
        await throttleFailure(attempt);
        // Throttled attempts (above) are not written: a flood of guesses must not flood the trail.
        await recordAudit([{ kind: "sign_in_failed", principal: email.data, detail: { address, method: "password" } }]);
        return null;
      }
      await throttleSuccess(attempt);
      await db.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
      await recordAudit([{ kind: "signed_in", actorId: user.id, detail: { address, method: "password" } }]);
      return { id: user.id, email: user.email, name: user.name, role: user.role as TRole, sessionVersion: user.sessionVersion };
    },
  });

/**
 * The sign-in methods configured (lib/auth/oidc-config.ts): with AIRLOCK_PASSWORD_SIGNIN=off the
 * credentials provider is not registered at all, so its endpoint cannot sign anyone in.
 */
function providers(): Provider[] {
  const config = signInConfig();
  return [...(config.isPasswordSignInOn ? [passwordProvider()] : []), ...(config.oidc ? [oidcProvider(config.oidc)] : [])];
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  // next-auth's own errors (the IdP failed, the user cancelled) come back to the sign-in page, which names them.
  pages: { signIn: "/signin", error: "/signin" },
  providers: providers(),
  callbacks: {
    // An SSO sign-in finds or creates the user and takes the role from the claims; a refusal
    // goes back to the sign-in page with its reason (never a session with some default role).
    async signIn({ user, account, profile }) {
      if (account?.provider !== OIDC_PROVIDER_ID) return true;
      const config = signInConfig().oidc;
      if (!config || !profile) return "/signin?error=sso_bad_claims";
      const address = (await headers()).get(CLIENT_ADDRESS_HEADER) ?? "unknown";
      const result = await signInWithOidc({ claims: profile as Record<string, unknown>, config, address });
      if (!result.ok) return `/signin?error=${result.reason}`;
      // next-auth builds the session from this object: it becomes the Airlock user.
      Object.assign(user, result.user);
      return true;
    },
    jwt({ token, user }) {
      if (user) {
        token.role = user.role;
        token.sv = user.sessionVersion;
      }
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.sub!, email: token.email!, role: token.role!, name: token.name, sessionVersion: token.sv };
      return session;
    },
  },
  events: {
    // The cookie is a signed JWT that would stay valid until it expires: sign-out ends
    // the session on the server too, by moving the user's session version on.
    async signOut({ token }) {
      if (token?.sub && typeof token.sv === "number") await endSessions({ userId: token.sub, onlyVersion: token.sv });
    },
  },
};
