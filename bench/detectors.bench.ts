// Content scan cost: `npm run bench:detectors`. Prints p50/p99 of scanResult and
// scanArguments on a web page-like text (prose, links, a table, some code; no
// attacks) of 4 KB and of 256 KB, and each detector's own share (its scan called
// directly on the same fields). Targets: ≤ 0.2 ms p50 for 4 KB, ≤ 2 ms for 256 KB.
//
// A result or argument value is scanned whole up to MAX_CONTENT_CHARS (1 MiB), so 256 KB
// is scanned whole, as one text block and as 16 KB blocks.
import { boundFields, jsonFields, resultFields } from "../lib/detectors/content-fields";
import type { TDetector, TTextField } from "../lib/detectors/detector.types";
import { ARGUMENT_DETECTORS, RESULT_DETECTORS, scanArguments, scanResult } from "../lib/detectors/scan-content";
import { type Summary, summarise } from "./stats";

/** A seeded generator, so every run measures the same text. */
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(7);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;

const SENTENCES = [
  "The release notes below describe what changed between the last two minor versions and how to upgrade.",
  "Most users will not need to change anything, but a few configuration keys were renamed for consistency.",
  "If you run the service behind a reverse proxy, make sure the forwarded headers are passed through unchanged.",
  "Our team measured the new cache on a production workload and saw the median latency drop by about a third.",
  "Authentication is handled by the identity provider; the application only stores a session identifier.",
  "You can find the full list of options in the reference section, grouped by the component they affect.",
  "Please report any regression on the issue tracker with the version number and a minimal reproduction.",
  "The migration runs automatically on start-up and takes a few seconds on a database with a million rows.",
  "Thanks to everyone who contributed patches, reviews and translations to this release.",
  "Older clients keep working: the server still accepts the previous request format until the next major version.",
  "Logs are written as JSON lines, one event per line, with the timestamp in UTC and the level as a string.",
  "Each worker pulls jobs from the queue, retries a failed job three times and then moves it to the dead-letter list.",
];
const HEADINGS = ["Overview", "What's new", "Upgrading", "Configuration", "Performance", "Known issues", "Examples", "FAQ"];
const LINKS = [
  "https://docs.example.org/guide/getting-started",
  "https://github.com/example/project/releases/tag/v2.4.0",
  "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
  "https://cdn.example.net/assets/app.3f9a2c1b.css",
  "https://en.wikipedia.org/wiki/Cache_replacement_policies",
];
const CODE = [
  '```js\nimport { createClient } from "@example/sdk";\n\nconst client = createClient({ baseUrl: process.env.API_URL, timeoutMs: 5_000 });\nconst items = await client.list({ limit: 50, cursor });\nfor (const item of items) console.log(item.id, item.updatedAt);\n```',
  "```python\ndef retry(fn, attempts=3, delay=0.5):\n    for i in range(attempts):\n        try:\n            return fn()\n        except TimeoutError:\n            time.sleep(delay * 2 ** i)\n    raise RuntimeError('gave up')\n```",
  "```sh\ncurl -s https://api.example.org/v2/status | jq '.components[] | {name, status}'\nnpm install --save-dev @example/cli@2.4.0\n```",
  "```yaml\nserver:\n  port: 8080\n  host: 0.0.0.0\ncache:\n  size_mb: 256\n  ttl_seconds: 300\nlogging:\n  level: info\n```",
];

function tableRows(): string {
  const rows = ["| version | date       | p50 ms | p99 ms | notes |", "|---------|------------|--------|--------|-------|"];
  for (let i = 0; i < 4; i++) {
    const day = String(1 + Math.floor(random() * 28)).padStart(2, "0");
    rows.push(
      `| 2.${i}.${Math.floor(random() * 9)}   | 2026-0${1 + i}-${day} | ${(random() * 20).toFixed(1)}    | ${(random() * 90).toFixed(1)}   | ${pick(["faster start", "new cache", "bug fixes", "docs"])} |`,
    );
  }
  return rows.join("\n");
}

/** Web page-like text of exactly `size` characters. */
function pageText(size: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const kind = random();
    let part: string;
    if (kind < 0.12) part = `## ${pick(HEADINGS)}`;
    else if (kind < 0.62) part = Array.from({ length: 2 + Math.floor(random() * 4) }, () => pick(SENTENCES)).join(" ");
    else if (kind < 0.75) part = `See [${pick(HEADINGS).toLowerCase()}](${pick(LINKS)}) and ${pick(LINKS)} for details.`;
    else if (kind < 0.88) part = pick(CODE);
    else part = tableRows();
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join("\n\n").slice(0, size);
}

const KB = 1024;
const text4k = pageText(4 * KB);
const text256k = pageText(256 * KB);
const blocks = (text: string, size: number) => {
  const content: { type: "text"; text: string }[] = [];
  for (let i = 0; i < text.length; i += size) content.push({ type: "text", text: text.slice(i, i + size) });
  return { content };
};

function measure(run: () => number, warmup: number, samples: number): Summary {
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += run();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    sink += run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  if (sink < 0) throw new Error("unreachable");
  return summarise(times);
}

interface TCase {
  name: string;
  kind: "result" | "arguments";
  value: unknown;
  target: number;
  warmup: number;
  samples: number;
}
const CASES: TCase[] = [
  { name: "4 KB", kind: "result", value: { content: [{ type: "text", text: text4k }] }, target: 0.2, warmup: 2_000, samples: 5_000 },
  { name: "4 KB", kind: "arguments", value: { url: LINKS[0], body: text4k }, target: 0.2, warmup: 2_000, samples: 5_000 },
  { name: "256 KB, one block", kind: "result", value: { content: [{ type: "text", text: text256k }] }, target: 2, warmup: 50, samples: 300 },
  { name: "256 KB, 16 KB blocks", kind: "result", value: blocks(text256k, 16 * KB), target: 2, warmup: 50, samples: 300 },
  { name: "256 KB", kind: "arguments", value: { url: LINKS[0], body: text256k }, target: 2, warmup: 50, samples: 300 },
];

const ms = (n: number) => `${n.toFixed(3)} ms`;
const results: Record<string, unknown>[] = [];
console.log(`content scan, per call (p50 / p99); detectors called directly for the breakdown\n`);
for (const c of CASES) {
  const scan = c.kind === "result" ? () => scanResult(c.value).length : () => scanArguments(c.value).length;
  const detectors: readonly TDetector[] = c.kind === "result" ? RESULT_DETECTORS : ARGUMENT_DETECTORS;
  const fields: TTextField[] = boundFields(c.kind === "result" ? resultFields(c.value) : jsonFields("arguments", c.value)).fields;
  const found = c.kind === "result" ? scanResult(c.value) : scanArguments(c.value);
  const total = measure(scan, c.warmup, c.samples);
  const met = total.p50 <= c.target ? "met" : "NOT met";
  console.log(
    `${c.kind === "result" ? "scanResult   " : "scanArguments"} ${c.name}: p50 ${ms(total.p50)}  p99 ${ms(total.p99)}   (target p50 ≤ ${c.target} ms: ${met})`,
  );
  const perDetector: Record<string, Summary> = {};
  for (const detector of detectors) {
    const summary = measure(() => detector.scan(fields, {}).length, Math.ceil(c.warmup / 2), c.samples);
    perDetector[detector.id] = summary;
    console.log(`    ${detector.id.padEnd(20)} p50 ${ms(summary.p50)}  p99 ${ms(summary.p99)}`);
  }
  const worst = found.filter((f) => f.severity !== "low").map((f) => `${f.detector}: ${f.message}`);
  console.log(`    findings: ${found.length} (${worst.length ? `medium or high: ${worst.join("; ")}` : "none medium or high"})\n`);
  results.push({ case: `${c.kind} ${c.name}`, total, perDetector, findings: found.length });
}
console.log(JSON.stringify({ bench: "detectors", results }));
