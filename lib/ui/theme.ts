/** The colour theme a user picked; absent or "system" follows the operating system's setting. */
export type Theme = "system" | "light" | "dark";
export const THEME_COOKIE = "airlock-theme";

/** The theme a cookie value names, "system" for anything else. */
export function themeOf(value: string | undefined): Theme {
  return value === "light" || value === "dark" ? value : "system";
}
