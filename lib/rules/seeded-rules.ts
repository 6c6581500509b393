import type { TRuleInput } from "../policy/policy.types";

/**
 * The rules a fresh install starts with, before any an admin writes: what Airlock's
 * detectors should stop on their own. They come first (first match wins), so an admin's
 * later allow rule cannot let these through; an admin can edit, move or remove them.
 */
export const SEEDED_RULES: TRuleInput[] = [
  {
    id: "seed-result-injection",
    name: "Hold results that carry a prompt injection",
    on: "result",
    match: {},
    // Injection in any of its forms: plain text, text hidden in Unicode tag characters or bidi controls (the
    // model reads what the user cannot see), and base64 that decodes to orders.
    when: 'signals.result.severity.injection == "high" || signals.result.severity.hidden_text == "high" || signals.result.severity.encoded_payload == "high"',
    action: "hold_result",
    message: "the tool's result looks like a prompt injection; a reviewer withheld it",
  },
  {
    id: "seed-secret-egress",
    name: "Hold secrets, personal data or injected text sent out",
    match: {},
    // High: a live-format credential or a private key (a JWT or a merely random-looking value is medium), a
    // card number, an IBAN or an SSN, or text written to steer another model (an injection in an outbound message).
    when: 'tool.role.sink && (signals.args.severity.secret == "high" || signals.args.severity.pii == "high" || signals.args.severity.injection == "high")',
    action: "require_approval",
  },
  {
    id: "seed-tainted-egress",
    name: "Hold sends from a session that read private data and untrusted content",
    match: {},
    when: "session.tainted && tool.role.sink",
    action: "require_approval",
  },
];
