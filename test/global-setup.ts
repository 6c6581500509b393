import { ensureBuilt } from "../lib/cli/start-command";

/** Builds the dashboard once for every integration file (skipped when the build is current). */
export default function setup() {
  ensureBuilt();
}
