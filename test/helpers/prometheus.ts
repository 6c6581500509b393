// Scrapes a /metrics endpoint and parses Prometheus' text exposition format (0.0.4): every line
// is read (HELP, TYPE, samples with escaped label values), so a malformed line fails the test.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

export type MetricFamilies = Map<string, MetricFamily>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', n: "\n" };

/** Reads `{a="x",b="y\"z"}` from `line` at `at`; returns the labels and the index after `}`. */
function readLabels(line: string, at: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = at + 1;
  while (line[i] !== "}") {
    const name = NAME.exec(line.slice(i))?.[0];
    if (!name || line[i + name.length] !== "=" || line[i + name.length + 1] !== '"') throw new Error(`bad label at ${i}: ${line}`);
    i += name.length + 2;
    let value = "";
    while (line[i] !== '"') {
      if (i >= line.length) throw new Error(`unterminated label value: ${line}`);
      if (line[i] === "\\") {
        const escaped = ESCAPES[line[i + 1]];
        if (escaped === undefined) throw new Error(`bad escape in: ${line}`);
        value += escaped;
        i += 2;
      } else value += line[i++];
    }
    labels[name] = value;
    i++;
    if (line[i] === ",") i++;
    else if (line[i] !== "}") throw new Error(`expected , or } at ${i}: ${line}`);
  }
  return [labels, i + 1];
}

function parseValue(text: string, line: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  const value = Number(text);
  if (text === "" || Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
  return value;
}

/** The family a sample belongs to: a histogram's _bucket, _sum and _count samples belong to its TYPE line's name. */
function familyOf(families: MetricFamilies, sample: string): MetricFamily {
  const direct = families.get(sample);
  if (direct) return direct;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    const base = families.get(sample.slice(0, -suffix.length));
    if (sample.endsWith(suffix) && base && (base.type === "histogram" || base.type === "summary")) return base;
  }
  throw new Error(`sample ${sample} has no TYPE line`);
}

export function parsePrometheusText(text: string): MetricFamilies {
  const families: MetricFamilies = new Map();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const family = families.get(meta[2]) ?? { name: meta[2], type: "untyped", help: "", samples: [] };
      if (meta[1] === "HELP") family.help = meta[3];
      else family.type = meta[3];
      families.set(meta[2], family);
      continue;
    }
    if (line.startsWith("#")) continue;
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`bad sample line: ${line}`);
    let labels: Record<string, string> = {};
    let rest = name.length;
    if (line[rest] === "{") [labels, rest] = readLabels(line, rest);
    const [value, timestamp, extra] = line.slice(rest).trim().split(/\s+/);
    if (extra !== undefined || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) throw new Error(`bad sample line: ${line}`);
    familyOf(families, name).samples.push({ name, labels, value: parseValue(value, line) });
  }
  return families;
}

/** GET a /metrics URL; throws unless it answers 200 in the text format. */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<MetricFamilies> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${text}`);
  if (!res.headers.get("content-type")?.startsWith("text/plain; version=0.0.4")) throw new Error(`${url}: content-type ${res.headers.get("content-type")}`);
  return parsePrometheusText(text);
}

function family(families: MetricFamilies, name: string, type: string): MetricFamily {
  const found = families.get(name);
  if (!found) throw new Error(`no metric ${name}`);
  if (found.type !== type) throw new Error(`${name} is a ${found.type}, not a ${type}`);
  return found;
}

const sameLabels = (labels: Record<string, string>, wanted: Record<string, string>) =>
  Object.keys(wanted).length === Object.keys(labels).length && Object.entries(wanted).every(([k, v]) => labels[k] === v);

/** The value of the counter or gauge sample with exactly these labels (0 when the series does not exist yet). */
export function sampleValue(families: MetricFamilies, name: string, type: "counter" | "gauge", labels: Record<string, string> = {}): number {
  return family(families, name, type).samples.find((s) => sameLabels(s.labels, labels))?.value ?? 0;
}

/** Every series of a counter or gauge. */
export function seriesOf(families: MetricFamilies, name: string, type: "counter" | "gauge"): { labels: Record<string, string>; value: number }[] {
  return family(families, name, type).samples.map(({ labels, value }) => ({ labels, value }));
}

/** The observation count of the histogram series with exactly these labels (0 when it does not exist yet). */
export function histogramCount(families: MetricFamilies, name: string, labels: Record<string, string> = {}): number {
  return family(families, name, "histogram").samples.find((s) => s.name === `${name}_count` && sameLabels(s.labels, labels))?.value ?? 0;
}
