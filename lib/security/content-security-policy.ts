/** Options for {@link buildContentSecurityPolicy}. */
export interface ContentSecurityPolicyOptions {
  /** A fresh random value per response; Next puts it on every script it emits. */
  nonce: string;
  /** The request's Host, for the socket.io WebSocket (see below). */
  host?: string | null;
  /** React's development build needs eval for its error overlays; production never does. */
  isDev?: boolean;
  /**
   * Where a form on this page may send the browser besides this origin. The OAuth consent
   * page's form answers with a redirect to the client's redirect URI, and browsers apply
   * form-action to that redirect too.
   */
  formTargets?: string[];
}

// A Host header that is only a host name or address and a port: anything else
// (spaces, semicolons) could smuggle directives into the policy, so it is left out.
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The dashboard's Content-Security-Policy. Scripts run only with this response's
 * nonce ('strict-dynamic' lets Next's nonced loader pull its chunks); nothing may
 * frame the dashboard, plugins are off, and <base> cannot re-point relative URLs.
 * connect-src names the WebSocket explicitly because older browsers do not let
 * 'self' cover ws:/wss: of the same host.
 */
export function buildContentSecurityPolicy({ nonce, host, isDev = false, formTargets = [] }: ContentSecurityPolicyOptions): string {
  const sockets = host && PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : "";
  const forms = formTargets.flatMap((target) => {
    try {
      const { protocol, origin } = new URL(target);
      return (protocol === "https:" || protocol === "http:") && PLAIN_HOST.test(new URL(origin).host) ? [` ${origin}`] : [];
    } catch {
      return [];
    }
  });
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    // The service worker that shows Web Push alerts (public/sw.js), from this origin only.
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${forms.join("")}`,
    "frame-ancestors 'none'",
  ].join("; ");
}
