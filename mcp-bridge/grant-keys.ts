import { generateKeyPairSync } from "node:crypto";
import { createGrantSigner, type GrantSigner, publicJwkOf } from "../lib/grants/mint-grant";
import type { DashboardClient } from "./dashboard-client";
import { log } from "./log";

/** A new key is published this long before the bridge signs with it: verifiers that cached the key set (5 s) or refetched it recently (5 s cooldown) find it. */
const MAX_ACTIVATION_DELAY_MS = 15_000;
/** While the dashboard does not accept a key, registration is tried again this often. */
const RETRY_MS = 5_000;

export interface GrantKeysOptions {
  dashboard: DashboardClient;
  /** How long each grant lives (1–60 s). */
  ttlSeconds: number;
  /** How often the signing key is replaced. */
  rotationMs: number;
}

/**
 * The bridge's grant-signing keys. Each is an Ed25519 pair made in this process; the
 * private half never leaves it. The public half is registered with the dashboard
 * (which publishes it as JWKS) before the first grant is signed with it. Every
 * rotation period a new key is registered and, a short delay later, replaces the old
 * one; tokens signed with the old key stay verifiable until they expire, because the
 * old key is published until its `notAfter`. If no new key can be registered, the
 * current one signs until twice the period has passed, then nothing signs: calls are
 * refused rather than forwarded without a grant.
 */
export class GrantKeys {
  private active: { signer: GrantSigner; signsUntil: number } | null = null;
  private rotationTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError = "";
  private isClosed = false;

  constructor(private readonly options: GrantKeysOptions) {}

  /** Registers the first key (one attempt; retried in the background when it fails) and starts the rotation. */
  async start(): Promise<void> {
    await this.next(true);
    this.rotationTimer = setInterval(() => void this.next(false), this.options.rotationMs);
    this.rotationTimer.unref();
  }

  /** The signer to use now, or null: no key was accepted yet, or the last one is past its time. */
  get signer(): GrantSigner | null {
    const active = this.active;
    return active && Date.now() < active.signsUntil ? active.signer : null;
  }

  /** Makes and registers a key; the first one is used at once (nothing was signed before), later ones after the activation delay. */
  private async next(isFirst: boolean): Promise<void> {
    if (this.isClosed) return;
    clearTimeout(this.retryTimer);
    const { dashboard, ttlSeconds, rotationMs } = this.options;
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const signer = createGrantSigner({ privateKey, publicKey, issuer: dashboard.baseUrl, ttlSeconds });
    const delay = isFirst ? 0 : Math.min(MAX_ACTIVATION_DELAY_MS, rotationMs / 2);
    const signsUntil = Date.now() + delay + 2 * rotationMs;
    try {
      await dashboard.registerGrantKey({ jwk: publicJwkOf(publicKey), notAfter: new Date(signsUntil + ttlSeconds * 1000).toISOString() });
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.lastError) log(`could not register a grant-signing key with the dashboard (${message}); retrying every ${RETRY_MS / 1000} s`);
      this.lastError = message;
      this.retryTimer = setTimeout(() => void this.next(isFirst || this.active === null), RETRY_MS);
      this.retryTimer.unref();
      return;
    }
    if (this.lastError) log("grant-signing key registered with the dashboard");
    this.lastError = "";
    const activate = () => {
      if (!this.isClosed) this.active = { signer, signsUntil };
    };
    if (delay === 0) activate();
    else setTimeout(activate, delay).unref();
  }

  close(): void {
    this.isClosed = true;
    clearInterval(this.rotationTimer);
    clearTimeout(this.retryTimer);
  }
}
