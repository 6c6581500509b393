import { randomBytes } from "node:crypto";
import { appendAudit, recordAudit } from "../audit/chain";
import { mapOidcRole } from "../auth/map-oidc-role";
import type { OidcConfig } from "../auth/oidc-config";
import { hashPassword } from "../auth/passwords";
import type { TRole } from "../auth/roles";
import { db } from "../db/prisma";
import { disconnectUserSockets } from "../realtime/disconnect-user";
import { type TOidcRefusal, ZOidcClaims } from "./sign-in-with-oidc.types";
import { END_SESSIONS } from "./update-user";
import { ZEmail } from "./users.types";

export interface SignInWithOidcOptions {
  /** The identity provider's claims (ID token over userinfo), already verified by the OIDC client. */
  claims: Record<string, unknown>;
  config: OidcConfig;
  /** The client address, for the audit trail. */
  address: string;
}

export interface OidcSignedInUser {
  id: string;
  email: string;
  name: string | null;
  role: TRole;
  sessionVersion: number;
}

export type TOidcSignInResult = { ok: true; user: OidcSignedInUser } | { ok: false; reason: TOidcRefusal };

class Refused extends Error {
  constructor(readonly reason: TOidcRefusal) {
    super(reason);
  }
}

const USER_FIELDS = { id: true, email: true, name: true, role: true, disabledAt: true, sessionVersion: true } as const;

/**
 * An SSO sign-in: finds the user by the identity (issuer + `sub`), never by email alone;
 * on a first sign-in creates the user, or links an existing one with the same email only
 * when the IdP says it verified that email (and linking is on). The role comes from the
 * claims at every sign-in; a change is audited and ends the user's older sessions.
 * Refusals change nothing and are audited like a wrong password.
 */
export async function signInWithOidc({ claims, config, address }: SignInWithOidcOptions): Promise<TOidcSignInResult> {
  const parsed = ZOidcClaims.safeParse(claims);
  const validEmail = parsed.success ? ZEmail.safeParse(parsed.data.email) : null;
  const email = validEmail?.success ? validEmail.data : null;
  const refuse = async (reason: TOidcRefusal): Promise<TOidcSignInResult> => {
    await recordAudit([{ kind: "sign_in_failed", principal: email, detail: { address, method: "oidc", issuer: config.issuer, reason } }]);
    return { ok: false, reason };
  };
  // The OIDC client checked `iss` against the discovery document; start checked that against the configuration.
  if (!parsed.success || parsed.data.iss !== config.issuer) return refuse("sso_bad_claims");
  const { sub, email_verified: emailVerified } = parsed.data;
  const name = parsed.data.name ?? null;
  const role = mapOidcRole(claims, config);
  const where = { issuer_subject: { issuer: config.issuer, subject: sub } };
  // A new user's password hash is of random bytes nobody knows: no password sign-in until an admin sends a link.
  // Hashed only when the identity is new, and before the transaction (Argon2 takes a while).
  const isKnown = (await db.oidcIdentity.count({ where: { issuer: config.issuer, subject: sub } })) > 0;
  const unusablePasswordHash = isKnown ? null : await hashPassword(randomBytes(32).toString("base64url"));
  try {
    const { user, roleChanged } = await db.$transaction(async (tx) => {
      const identity = await tx.oidcIdentity.findUnique({
        where,
        select: { id: true, user: { select: USER_FIELDS } },
      });
      let existing = identity?.user ?? null;
      if (!existing) {
        if (!email) throw new Refused("sso_no_email");
        if (emailVerified === false) throw new Refused("sso_email_unverified");
        existing = await tx.user.findUnique({ where: { email }, select: USER_FIELDS });
        // Linking by email trusts the IdP's word that the person owns the address; without it, an
        // IdP account that merely claims a local user's email must not become that user.
        if (existing && (config.linkByEmail === "off" || emailVerified !== true)) throw new Refused("sso_email_taken");
        if (existing && (await tx.oidcIdentity.count({ where: { userId: existing.id, issuer: config.issuer } }))) throw new Refused("sso_email_taken");
      }
      if (existing?.disabledAt) throw new Refused("sso_disabled");
      if (!role) throw new Refused("sso_no_role");
      const now = new Date();
      if (!existing) {
        // Only if the identity vanished since the count above (its user deleted meanwhile): fail, the person signs in again.
        if (!unusablePasswordHash) throw new Error("an SSO identity changed during its sign-in");
        const created = await tx.user.create({
          data: {
            email: email!,
            name,
            role,
            passwordHash: unusablePasswordHash,
            hasPassword: false,
            lastSignInAt: now,
            oidcIdentities: { create: { issuer: config.issuer, subject: sub, lastSignInAt: now } },
          },
          select: USER_FIELDS,
        });
        await appendAudit(tx, [
          { kind: "user_created", actorId: created.id, detail: { userId: created.id, email: created.email, role, by: "sso", issuer: config.issuer } },
        ]);
        return { user: created, roleChanged: false };
      }
      if (identity) await tx.oidcIdentity.update({ where: { id: identity.id }, data: { lastSignInAt: now } });
      else {
        await tx.oidcIdentity.create({ data: { userId: existing.id, issuer: config.issuer, subject: sub, lastSignInAt: now } });
        await appendAudit(tx, [
          {
            kind: "user_sso_linked",
            actorId: existing.id,
            detail: { userId: existing.id, email: existing.email, issuer: config.issuer, via: "verified email" },
          },
        ]);
      }
      const roleChanged = existing.role !== role;
      const user = await tx.user.update({
        where: { id: existing.id },
        data: { role, lastSignInAt: now, ...(roleChanged ? END_SESSIONS : {}) },
        select: USER_FIELDS,
      });
      if (roleChanged) {
        await appendAudit(tx, [
          {
            kind: "user_role_changed",
            actorId: null,
            detail: { userId: user.id, email: user.email, from: existing.role, to: role, by: "sso", issuer: config.issuer },
          },
        ]);
      }
      return { user, roleChanged };
    });
    // Sessions under the old role ended with the version raise; their open sockets close now.
    if (roleChanged) await disconnectUserSockets(user.id);
    await recordAudit([{ kind: "signed_in", actorId: user.id, detail: { address, method: "oidc", issuer: config.issuer } }]);
    return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role as TRole, sessionVersion: user.sessionVersion } };
  } catch (error) {
    if (error instanceof Refused) return refuse(error.reason);
    throw error;
  }
}
