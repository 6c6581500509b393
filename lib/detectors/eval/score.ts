import type { TFinding, TSeverity } from "../detector.types";
import { severityRank } from "../detector.types";

/** One labelled item after the detectors ran on it. */
export interface TScoredItem {
  id: string;
  label: "attack" | "benign";
  category: string;
  findings: readonly Pick<TFinding, "detector" | "severity" | "message">[];
  /** Sessions: whether a step would have been held (what counts instead of findings). */
  held?: boolean;
}

export interface TCounts {
  attacks: number;
  benign: number;
  caught: number;
  falseAlarms: number;
  recall: number;
  falseAlarmRate: number;
}

export interface TScore {
  total: TCounts;
  byCategory: Record<string, TCounts>;
  /** Per detector: attacks it flagged (alone: no other detector did), benign items it flagged. */
  byDetector: Record<string, { caught: number; caughtAlone: number; falseAlarms: number }>;
  missed: TScoredItem[];
  falseAlarms: TScoredItem[];
}

const counts = (items: TScoredItem[], isFlagged: (i: TScoredItem) => boolean): TCounts => {
  const attacks = items.filter((i) => i.label === "attack");
  const benign = items.filter((i) => i.label === "benign");
  const caught = attacks.filter(isFlagged).length;
  const falseAlarms = benign.filter(isFlagged).length;
  return {
    attacks: attacks.length,
    benign: benign.length,
    caught,
    falseAlarms,
    recall: attacks.length ? caught / attacks.length : 1,
    falseAlarmRate: benign.length ? falseAlarms / benign.length : 0,
  };
};

/** Recall and false alarms at a threshold: an item is flagged by a finding at or above it (a session, by a held step). */
export function score(items: TScoredItem[], failOn: TSeverity = "medium"): TScore {
  const flaggedBy = (i: TScoredItem) => new Set(i.findings.filter((f) => severityRank(f.severity) >= severityRank(failOn)).map((f) => f.detector));
  const isFlagged = (i: TScoredItem) => (i.held !== undefined ? i.held : flaggedBy(i).size > 0);
  const byCategory: Record<string, TCounts> = {};
  for (const category of [...new Set(items.map((i) => i.category))].sort()) {
    byCategory[category] = counts(
      items.filter((i) => i.category === category),
      isFlagged,
    );
  }
  const byDetector: TScore["byDetector"] = {};
  for (const item of items) {
    const detectors = flaggedBy(item);
    for (const d of detectors) {
      byDetector[d] ??= { caught: 0, caughtAlone: 0, falseAlarms: 0 };
      const entry = byDetector[d];
      if (item.label === "attack") {
        entry.caught++;
        if (detectors.size === 1) entry.caughtAlone++;
      } else entry.falseAlarms++;
    }
  }
  return {
    total: counts(items, isFlagged),
    byCategory,
    byDetector,
    missed: items.filter((i) => i.label === "attack" && !isFlagged(i)),
    falseAlarms: items.filter((i) => i.label === "benign" && isFlagged(i)),
  };
}
