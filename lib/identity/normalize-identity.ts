/**
 * Invisible characters that render as nothing: zero-width space/joiners, word
 * joiner, BOM, soft hyphen, bidi controls and Unicode tag characters.
 */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;

/**
 * One spelling per person, for every comparison of principals and reviewers
 * (self-approval, principal globs, user lookup). An agent-supplied principal is
 * untrusted text: `" Rita@X.test"`, `mailto:rita@x.test`, `Rita <rita@x.test>`,
 * full-width letters or a zero-width space must all name the same person as
 * `rita@x.test`, or a reviewer could approve their own request by respelling it.
 * Pure: shared by the dashboard and the bridge.
 */
export function normalizeIdentity(raw: string): string {
  let text = raw.normalize("NFKC").replace(INVISIBLE, "").trim();
  const bracketed = /<([^<>]*)>$/.exec(text);
  if (bracketed) text = bracketed[1]!.trim();
  text = text.replace(/^mailto:/i, "").trim();
  return text.toLowerCase();
}

/** Whether two identities name the same person; an empty identity names nobody. */
export function isSameIdentity(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const left = normalizeIdentity(a);
  return left !== "" && left === normalizeIdentity(b);
}
