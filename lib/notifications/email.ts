import nodemailer, { type Transporter } from "nodemailer";

// Email over SMTP (nodemailer). AIRLOCK_SMTP_URL (smtp://user:pass@host:587, smtps://… for
// implicit TLS) holds a password: it is never logged, only its host. Unset: no email is sent.

const RETRY_DELAYS_MS = [1_000, 5_000];

interface Mailer {
  url: string;
  transport: Transporter;
}

const globalForMail = globalThis as unknown as { __airlockMailer?: Mailer };

export function smtpHost(url = process.env.AIRLOCK_SMTP_URL): string {
  try {
    return url ? new URL(url).host : "(none)";
  } catch {
    return "(invalid AIRLOCK_SMTP_URL)";
  }
}

/** The SMTP transport for AIRLOCK_SMTP_URL, or null when email is not configured. */
function mailer(): Transporter | null {
  const url = process.env.AIRLOCK_SMTP_URL;
  if (!url) return null;
  if (globalForMail.__airlockMailer?.url !== url) {
    globalForMail.__airlockMailer = {
      url,
      // Pooled: one alert goes to every reviewer at once. Timeouts keep a dead server from holding messages for minutes.
      transport: nodemailer.createTransport(url, {
        pool: true,
        maxConnections: 3,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      } as object),
    };
  }
  return globalForMail.__airlockMailer.transport;
}

export const isEmailConfigured = () => !!process.env.AIRLOCK_SMTP_URL;

export function fromAddress(): string {
  return process.env.AIRLOCK_SMTP_FROM || "Airlock <airlock@localhost>";
}

/** A failure worth another try: the connection, or a 4xx reply (RFC 5321 transient). */
export function isTransientSmtpError(error: unknown): boolean {
  const e = error as { responseCode?: number; code?: string };
  if (typeof e?.responseCode === "number") return e.responseCode >= 400 && e.responseCode < 500;
  return ["ECONNECTION", "ETIMEDOUT", "ESOCKET", "ECONNRESET", "ECONNREFUSED", "EDNS", "ETLS"].includes(e?.code ?? "");
}

/** What a failed send says, without the URL (nodemailer's messages carry no credentials, but be sure). */
export function describeSmtpError(error: unknown): string {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const text = `${e?.code ? `${e.code}: ` : ""}${e?.message ?? String(error)}`;
  const url = process.env.AIRLOCK_SMTP_URL;
  return (url ? text.split(url).join(smtpHost(url)) : text).slice(0, 500);
}

export interface SendResult {
  ok: boolean;
  attempts: number;
  error?: string;
  responseCode?: number;
}

/** Sends one message, retrying transient failures (after 1 s, then 5 s). Never throws. */
export async function sendMail(message: { to: string; subject: string; text: string; html: string }): Promise<SendResult> {
  const transport = mailer();
  if (!transport) return { ok: false, attempts: 0, error: "AIRLOCK_SMTP_URL is not set" };
  for (let attempt = 1; ; attempt++) {
    try {
      await transport.sendMail({ from: fromAddress(), ...message });
      return { ok: true, attempts: attempt };
    } catch (error) {
      if (!isTransientSmtpError(error) || attempt > RETRY_DELAYS_MS.length) {
        return { ok: false, attempts: attempt, error: describeSmtpError(error), responseCode: (error as { responseCode?: number }).responseCode };
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt - 1]));
    }
  }
}
