"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";

/** Enable (pinning the definition shown on this page) or disable a tool. */
export function ToolDecision({
  toolId,
  status,
  definitionHash,
  isChanged,
  hasHighFindings,
}: {
  toolId: string;
  status: string;
  definitionHash: string;
  isChanged: boolean;
  /** The detectors flagged this definition high: enabling it takes an explicit acknowledgement. */
  hasHighFindings: boolean;
}) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [isAcknowledged, setAcknowledged] = useState(false);

  async function decide(action: "enable" | "disable") {
    setBusy(true);
    setMessage(null);
    const result = await sendJson(`/api/tools/${toolId}/decision`, "POST", {
      action,
      definitionHash,
      ...(action === "enable" && hasHighFindings ? { acknowledgeFindings: isAcknowledged } : {}),
    });
    setBusy(false);
    if (!result.ok) return setMessage(result.message);
    router.refresh();
  }

  const enableLabel = status === "quarantined" || isChanged ? "Approve the new definition" : "Enable";
  return (
    <div className="flex flex-wrap items-center gap-3">
      {status !== "enabled" && hasHighFindings && (
        <label className="flex w-full items-center gap-2 text-sm font-medium text-red-900">
          <input type="checkbox" checked={isAcknowledged} onChange={(e) => setAcknowledged(e.target.checked)} />I read the high findings above and enable this
          tool anyway (recorded in the audit trail)
        </label>
      )}
      {status !== "enabled" && (
        <button type="button" className={BUTTON_PRIMARY} disabled={isBusy || (hasHighFindings && !isAcknowledged)} onClick={() => decide("enable")}>
          {enableLabel}
        </button>
      )}
      {status !== "disabled" && (
        <button type="button" className={BUTTON_SECONDARY} disabled={isBusy} onClick={() => decide("disable")}>
          Disable
        </button>
      )}
      {message && (
        <p role="alert" className="text-sm text-red-800">
          {message}
        </p>
      )}
    </div>
  );
}
