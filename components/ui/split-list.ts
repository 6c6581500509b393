/** A list typed into one field, separated by commas, spaces or new lines (emails, server names). */
export const splitList = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
