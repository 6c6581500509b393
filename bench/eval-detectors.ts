// `npm run eval:detectors`: every detector on the labelled set in test/fixtures/detectors/
// (definitions, results, arguments, sessions; attacks and hard benign twins), printing
// recall and false-alarm rate per set, per category and per detector, and what was missed
// or falsely flagged. Offline and pure: the library is called directly.
//
//   --set definitions|results|arguments|sessions   one set only
//   --fail-on low|medium|high                      what counts as flagged (default medium)
//   --quiet                                        without the lists of misses and false alarms
//   --json                                         a machine-readable summary
//   --min-recall X --max-false-alarms Y            exit 1 when a set misses either (for CI)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { SEVERITIES, type TSeverity } from "../lib/detectors/detector.types";
import { score, type TScore, type TScoredItem } from "../lib/detectors/eval/score";
import { scanArguments, scanResult } from "../lib/detectors/scan-content";
import { scanToolDefinition } from "../lib/detectors/scan-definition";
import { replaySession, type TSessionStep } from "../lib/detectors/session-chain";

const DIR = join(import.meta.dirname, "..", "test", "fixtures", "detectors");
const SETS = ["definitions", "results", "arguments", "sessions"] as const;
type TSet = (typeof SETS)[number];

const ZItem = z.object({
  id: z.string().min(1),
  label: z.enum(["attack", "benign"]),
  category: z.string().min(1),
  source: z.string().min(1),
  input: z.unknown(),
  otherTools: z.array(z.string()).optional(),
  tool: z.string().optional(),
});
type TItem = z.infer<typeof ZItem>;

function load(set: TSet): TItem[] {
  const lines = readFileSync(join(DIR, `${set}.jsonl`), "utf8").split("\n");
  const items: TItem[] = [];
  const ids = new Set<string>();
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: TItem;
    try {
      parsed = ZItem.parse(JSON.parse(line));
    } catch (error) {
      throw new Error(`${set}.jsonl line ${i + 1}: ${(error as Error).message.split("\n")[0]}`);
    }
    if (ids.has(parsed.id)) throw new Error(`${set}.jsonl line ${i + 1}: duplicate id ${parsed.id}`);
    ids.add(parsed.id);
    items.push(parsed);
  });
  return items;
}

function run(set: TSet, item: TItem): TScoredItem {
  const base = { id: item.id, label: item.label, category: item.category };
  switch (set) {
    case "definitions":
      return { ...base, findings: scanToolDefinition(item.input as Record<string, unknown>, { otherTools: item.otherTools }) };
    case "results":
      return { ...base, findings: scanResult(item.input) };
    case "arguments":
      return { ...base, findings: scanArguments(item.input) };
    case "sessions": {
      const verdicts = replaySession(item.input as TSessionStep[]);
      return { ...base, findings: verdicts.flatMap((v) => v.findings), held: verdicts.some((v) => v.held) };
    }
  }
}

const { values } = parseArgs({
  options: {
    set: { type: "string" },
    "fail-on": { type: "string" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    "min-recall": { type: "string" },
    "max-false-alarms": { type: "string" },
  },
});
const failOn = (values["fail-on"] ?? "medium") as TSeverity;
if (!SEVERITIES.includes(failOn) || (values.set && !SETS.includes(values.set as TSet))) {
  console.error("usage: npm run eval:detectors -- [--set definitions|results|arguments|sessions] [--fail-on low|medium|high] [--quiet] [--json]");
  process.exit(2);
}
const sets = values.set ? [values.set as TSet] : [...SETS];
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const summary: Record<string, TScore> = {};
for (const set of sets) {
  const items = load(set);
  const scored = items.map((item) => run(set, item));
  const s = score(scored, failOn);
  summary[set] = s;
  if (values.json) continue;
  console.log(
    `\n${set}: recall ${pct(s.total.recall)} (${s.total.caught}/${s.total.attacks}), false alarms ${pct(s.total.falseAlarmRate)} (${s.total.falseAlarms}/${s.total.benign}) at --fail-on ${failOn}`,
  );
  for (const [category, c] of Object.entries(s.byCategory)) {
    const parts = [c.attacks ? `recall ${pct(c.recall)} of ${c.attacks}` : "", c.benign ? `false alarms ${c.falseAlarms} of ${c.benign}` : ""].filter(Boolean);
    console.log(`  ${category.padEnd(28)} ${parts.join(", ")}`);
  }
  for (const [detector, d] of Object.entries(s.byDetector).sort()) {
    console.log(`  detector ${detector.padEnd(22)} flags ${d.caught} attacks (${d.caughtAlone} alone), ${d.falseAlarms} benign`);
  }
  if (!values.quiet) {
    for (const m of s.missed) console.log(`  MISSED      ${m.id} (${m.category})`);
    for (const f of s.falseAlarms) {
      const why = f.findings.filter((x) => x.severity !== "low").map((x) => `${x.detector}: ${x.message}`);
      console.log(`  FALSE ALARM ${f.id} (${f.category}): ${why.slice(0, 2).join("; ")}`);
    }
  }
}
if (values.json) {
  const out = Object.fromEntries(
    Object.entries(summary).map(([set, s]) => [
      set,
      { total: s.total, byCategory: s.byCategory, byDetector: s.byDetector, missed: s.missed.map((m) => m.id), falseAlarms: s.falseAlarms.map((f) => f.id) },
    ]),
  );
  console.log(JSON.stringify(out, null, 2));
}
const minRecall = values["min-recall"] === undefined ? null : Number(values["min-recall"]);
const maxFalseAlarms = values["max-false-alarms"] === undefined ? null : Number(values["max-false-alarms"]);
const failing = Object.entries(summary).filter(
  ([, s]) => (minRecall !== null && s.total.recall < minRecall) || (maxFalseAlarms !== null && s.total.falseAlarmRate > maxFalseAlarms),
);
if (failing.length) {
  console.error(`\nbelow the bar (recall ≥ ${minRecall ?? "-"}, false alarms ≤ ${maxFalseAlarms ?? "-"}): ${failing.map(([set]) => set).join(", ")}`);
  process.exit(1);
}
