// Rule evaluation cost: `npm run bench:policy`. Prints p50/p99 per call for a
// policy of 1,000 rules (globs, annotations, CEL conditions) where the deciding
// rule is near the end, against a one-rule policy measured in the same run.
import { evaluatePolicy } from "../lib/policy/evaluate";
import { type PolicyCall, type TPolicyInput, ZPolicy } from "../lib/policy/policy.types";
import { summarise } from "./stats";

const RULES = 1000;
const WARMUP = 2_000;
const SAMPLES = 20_000;

function buildPolicy(count: number): TPolicyInput {
  const rules: TPolicyInput["rules"] = [];
  for (let i = 0; i < count - 1; i++) {
    const kind = i % 4;
    if (kind === 0) rules.push({ name: `r${i}`, match: { server: `srv${i % 17}`, tool: `tool_${i}_*` }, action: "deny" });
    else if (kind === 1) rules.push({ name: `r${i}`, match: { tool: `*_${i}` }, when: `args.path.startsWith("/data/${i}/")`, action: "require_approval" });
    else if (kind === 2) rules.push({ name: `r${i}`, match: { tool: `exact_${i}`, annotations: { destructiveHint: true } }, action: "deny" });
    else rules.push({ name: `r${i}`, match: { principal: `user${i}@example.com` }, when: `args.size > ${i}`, action: "require_approval" });
  }
  rules.push({
    name: "hold writes outside the workspace",
    match: { tool: "*write_file" },
    when: '!args.path.startsWith("/workspace/")',
    action: "require_approval",
  });
  return { default: "allow", rules };
}

function measure(policyInput: TPolicyInput, call: PolicyCall) {
  const policy = ZPolicy.parse(policyInput);
  let sink = 0;
  for (let i = 0; i < WARMUP; i++) sink += evaluatePolicy(policy, call).action.length;
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = process.hrtime.bigint();
    sink += evaluatePolicy(policy, call).action.length;
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  if (sink === 0) throw new Error("unreachable");
  return summarise(samples);
}

const call: PolicyCall = {
  server: "fs",
  tool: "write_file",
  args: { path: "/etc/hosts", content: "x", size: 3 },
  annotations: { readOnlyHint: false, destructiveHint: false },
  principal: "agent-owner@example.com",
  bridge: "laptop",
};
const baseline = measure(buildPolicy(1), call);
const large = measure(buildPolicy(RULES), call);
const fmt = (n: number) => `${n.toFixed(2)} µs`;
console.log(`rule evaluation, ${SAMPLES} calls each (deciding rule last)`);
console.log(`  1 rule:      p50 ${fmt(baseline.p50)}  p99 ${fmt(baseline.p99)}`);
console.log(`  ${RULES} rules:  p50 ${fmt(large.p50)}  p99 ${fmt(large.p99)}   (target p50 ≤ 50 µs: ${large.p50 <= 50 ? "met" : "NOT met"})`);
console.log(JSON.stringify({ bench: "policy", rules: RULES, baseline, large }));
