import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { recordAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { CLIENT_ADDRESS_HEADER } from "../server/client-address";
import { ZEmail } from "../users/users.types";
import { verifyAgainstDummy, verifyPassword } from "./passwords";
import type { TRole } from "./roles";
import { endSessions } from "./session-user";
import { recordSignInFailure, recordSignInSuccess, signInDelay } from "./sign-in-throttle";

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

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/signin" },
  providers: [
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
        if (signInDelay(attempt) > 0) return null;
        const user = await db.user.findUnique({ where: { email: email.data } });
        const isValid = user && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
        if (!user || !isValid) {
          recordSignInFailure(attempt);
          // Throttled attempts (above) are not written: a flood of guesses must not flood the trail.
          await recordAudit([{ kind: "sign_in_failed", principal: email.data, detail: { address, method: "password" } }]);
          return null;
        }
        recordSignInSuccess(attempt);
        await db.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
        await recordAudit([{ kind: "signed_in", actorId: user.id, detail: { address, method: "password" } }]);
        return { id: user.id, email: user.email, name: user.name, role: user.role as TRole, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  callbacks: {
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
