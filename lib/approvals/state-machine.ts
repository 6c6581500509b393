import type { TApprovalStatus } from "../bridge-api/bridge-api.types";

/**
 * pending → approved | rejected | expired | withdrawn; every other state is final.
 * A decided request never changes status again: that is what makes a decision single-use.
 */
const TRANSITIONS: Record<TApprovalStatus, readonly TApprovalStatus[]> = {
  pending: ["approved", "rejected", "expired", "withdrawn"],
  approved: [],
  rejected: [],
  expired: [],
  withdrawn: [],
};

export function canTransition(from: TApprovalStatus, to: TApprovalStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isFinal(status: TApprovalStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** Outcomes stay distinct (DESIGN.md): they are never folded into each other. */
export type TApprovalOutcome =
  | "approved"
  | "approved_with_edits"
  | "rejected"
  | "expired"
  | "withdrawn"
  | "executed"
  | "failed_upstream"
  /** Approved with edits that fall under a stricter rule: not run; the bridge held the edited call again. */
  | "reheld"
  /** Expired because the bridge process holding the call went away: nobody would run it. */
  | "bridge_gone";
