// AIRLOCK_REVIEW_LINK_STEP_UP: whether a decision through a review link needs a passkey. Pure.

export type TStepUp = "passkey" | null;

/** Parses the setting; throws naming a bad value (the start checks it before anything runs). */
export function parseStepUp(value: string | undefined): TStepUp {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "off" || v === "none") return null;
  if (v === "passkey") return "passkey";
  throw new Error(`AIRLOCK_REVIEW_LINK_STEP_UP: "${value}" is not "passkey" or "off"`);
}

/** At run time: a value the start would refuse means "passkey" (fail closed). */
export function reviewLinkStepUp(value = process.env.AIRLOCK_REVIEW_LINK_STEP_UP): TStepUp {
  try {
    return parseStepUp(value);
  } catch {
    return "passkey";
  }
}
