import type { TContextEntry } from "../lib/bridge-api/bridge-api.types";
import { SessionChain } from "../lib/detectors/session-chain";

const MAX_ENTRIES = 50;
/** Calls to unknown tools within a minute that make a burst. */
export const UNKNOWN_BURST_CALLS = 5;
const UNKNOWN_BURST_WINDOW_MS = 60_000;
const MAX_SUMMARY = 600;

function clip(text: string): string {
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}

/** Summarises a value for the reviewer's timeline without shipping whole payloads. */
export function summarise(value: unknown): string {
  if (typeof value === "string") return clip(value);
  return clip(JSON.stringify(value) ?? "");
}

/** The chain of earlier steps in one MCP session, shown to reviewers as context. */
export class SessionContext {
  private entries: TContextEntry[] = [];
  /** What the session took in: private data, untrusted content (the chain rule's facts). */
  readonly chain = new SessionChain();
  private unknownCalls: number[] = [];

  /**
   * Counts a call to a tool nobody serves; true when this one makes a burst (a model
   * probing for tools, or one led by injected text to call tools that do not exist).
   * Reported once per burst window.
   */
  countUnknownCall(now = Date.now()): { count: number; isBurst: boolean } {
    this.unknownCalls = this.unknownCalls.filter((at) => now - at < UNKNOWN_BURST_WINDOW_MS);
    this.unknownCalls.push(now);
    return { count: this.unknownCalls.length, isBurst: this.unknownCalls.length === UNKNOWN_BURST_CALLS };
  }

  /** Appends a step; the returned entry may still be updated (e.g. its outcome once known). */
  add(entry: Omit<TContextEntry, "at">): TContextEntry {
    const added = { at: new Date().toISOString(), ...entry, summary: clip(entry.summary) };
    this.entries.push(added);
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
    return added;
  }

  snapshot(): TContextEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }
}
