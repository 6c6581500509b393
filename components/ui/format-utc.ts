/** A timestamp as "YYYY-MM-DD HH:MM UTC", or "never" (server and client components alike). */
export function formatUtc(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "never";
}
