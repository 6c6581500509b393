import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "../db/prisma";
import { verifyAgainstDummy, verifyPassword } from "./passwords";
import type { TRole } from "./roles";
import { ZEmail } from "../users/users.types";
import { isThrottled, recordFailure, recordSuccess } from "./sign-in-throttle";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; role: TRole; name?: string | null };
  }
  interface User {
    role: TRole;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    role?: TRole;
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
      async authorize(credentials) {
        const email = ZEmail.safeParse(credentials?.email);
        const password = typeof credentials?.password === "string" ? credentials.password : "";
        if (!email.success || !password || isThrottled(email.data)) return null;
        const user = await db.user.findUnique({ where: { email: email.data } });
        const isValid = user && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
        if (!user || !isValid) {
          recordFailure(email.data);
          return null;
        }
        recordSuccess(email.data);
        return { id: user.id, email: user.email, name: user.name, role: user.role as TRole };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) token.role = user.role;
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.sub!, email: token.email!, role: token.role!, name: token.name };
      return session;
    },
  },
};
