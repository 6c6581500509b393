import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { GENESIS_HASH, trailerMessage } from "./chain-hash";
import { type ChainProblem, ChainWalker, type StoredEvent } from "./chain-walker";
import { type PublicKey, verifyMessage } from "./signing-key";

// `airlock audit verify --file EXPORT.ndjson --public-key KEY`: checks an exported file with no
// database, line by line (constant memory): each event's hash, the links between consecutive
// events, each checkpoint's signature, and the signed trailer over the file's bytes, so a
// truncated, reordered or edited file is named at its first bad line.

export interface FileVerifyReport {
  ok: boolean;
  lines: number;
  events: number;
  filtered: boolean;
  range: { from: number | null; to: number | null };
  checkpoints: { checked: number; lastValid: number | null };
  trailer: "valid" | "missing" | "invalid";
  firstProblem: ChainProblem | null;
  problems: ChainProblem[];
}

function asEvent(json: Record<string, unknown>, line: number): StoredEvent {
  const text = (k: string) => (json[k] == null ? null : String(json[k]));
  return {
    line,
    seq: Number(json.seq),
    prevHash: String(json.prevHash ?? ""),
    hash: String(json.hash ?? ""),
    createdAt: String(json.createdAt ?? ""),
    kind: String(json.kind ?? ""),
    bridgeId: text("bridgeId"),
    sessionId: text("sessionId"),
    server: text("server"),
    tool: text("tool"),
    argumentsHash: text("argumentsHash"),
    ruleName: text("ruleName"),
    policyVersion: json.policyVersion == null ? null : Number(json.policyVersion),
    approvalId: text("approvalId"),
    actorId: text("actorId"),
    latencyMs: json.latencyMs == null ? null : Number(json.latencyMs),
    detail: json.detail ?? null,
    personalDigest: text("personalDigest"),
    personalSalt: text("personalSalt"),
    principal: text("principal"),
    arguments: json.arguments ?? null,
    purgedAt: text("purgedAt"),
  };
}

export async function verifyExportFile(path: string, keys: PublicKey[]): Promise<FileVerifyReport> {
  const problems: ChainProblem[] = [];
  const fileProblem = (line: number, message: string, kind: ChainProblem["kind"] = "edited") => problems.push({ kind, seq: null, line, message });
  const digest = createHash("sha256");
  let walker: ChainWalker | null = null;
  let filtered = false;
  let lineNo = 0;
  let trailer: FileVerifyReport["trailer"] = "missing";
  let afterTrailer = false;
  let carry = "";

  const handle = (raw: string) => {
    lineNo++;
    if (afterTrailer) {
      fileProblem(lineNo, `line ${lineNo} follows the trailer: lines were appended`, "inserted");
      return;
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(raw);
    } catch {
      fileProblem(lineNo, `line ${lineNo} is not JSON: the file is damaged or truncated`);
      digest.update(`${raw}\n`);
      return;
    }
    if (lineNo === 1) {
      digest.update(`${raw}\n`);
      if (json.type !== "header" || json.format !== "airlock.audit.export") {
        fileProblem(1, "line 1 is not an Airlock export header: the file's start is missing or it is not an NDJSON export");
        walker = new ChainWalker(keys, null, true);
        return;
      }
      filtered = json.filtered === true;
      const cursor = (json.filters as { cursor?: number } | undefined)?.cursor;
      // An unfiltered export from the chain's start links its first event to the genesis.
      walker = new ChainWalker(keys, filtered || cursor ? null : { seq: 0, hash: GENESIS_HASH }, filtered);
      return;
    }
    const w = walker as unknown as ChainWalker;
    if (json.type === "event") {
      digest.update(`${raw}\n`);
      w.event(asEvent(json, lineNo));
    } else if (json.type === "checkpoint") {
      digest.update(`${raw}\n`);
      w.checkpoint({
        seq: Number(json.seq),
        hash: String(json.hash),
        createdAt: String(json.createdAt),
        keyId: String(json.keyId),
        signature: String(json.signature),
        line: lineNo,
      });
    } else if (json.type === "trailer") {
      afterTrailer = true;
      const t = {
        events: Number(json.events),
        lastSeq: Number(json.lastSeq),
        next: (json.next as string | null) ?? null,
        digest: String(json.digest),
        keyId: String(json.keyId),
      };
      const key = keys.find((k) => k.keyId === t.keyId);
      const isSigned = !!key && verifyMessage(key, trailerMessage(t), String(json.signature ?? ""));
      const isWhole = t.digest === digest.digest("hex") && t.events === w.summary.checked;
      trailer = isSigned && isWhole ? "valid" : "invalid";
      if (!key) fileProblem(lineNo, `the trailer (line ${lineNo}) is signed by key ${t.keyId}, which is not a key given to verify with`);
      else if (!isSigned) fileProblem(lineNo, `the trailer (line ${lineNo}) has a bad signature: forged or edited`);
      else if (!isWhole)
        fileProblem(lineNo, `the file's lines before the trailer (line ${lineNo}) are not the ones exported: lines were edited, removed, added or reordered`);
    } else {
      digest.update(`${raw}\n`);
      fileProblem(lineNo, `line ${lineNo} is of an unknown type (${String(json.type)})`, "inserted");
    }
  };

  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const parts = (carry + chunk).split("\n");
    carry = parts.pop() ?? "";
    for (const part of parts) handle(part);
  }
  if (carry) handle(carry);
  const w = (walker ?? new ChainWalker(keys)) as ChainWalker;
  const summary = w.finish();
  if (lineNo === 0) fileProblem(0, "the file is empty");
  else if (trailer === "missing") fileProblem(lineNo, `the file ends at line ${lineNo} without its signed trailer: truncated`, "deleted");
  const all = [...summary.problems, ...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return {
    ok: all.length === 0,
    lines: lineNo,
    events: summary.checked,
    filtered,
    range: { from: summary.firstSeq, to: summary.lastSeq },
    checkpoints: { checked: summary.checkpoints, lastValid: summary.lastCheckpointSeq },
    trailer,
    firstProblem: all[0] ?? null,
    problems: all,
  };
}
