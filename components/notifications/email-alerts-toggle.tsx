"use client";

import { useState } from "react";
import { sendJson } from "@/components/ui/send-json";

/** The signed-in user's own switch for alert emails (PATCH /api/me/notifications). */
export function EmailAlertsToggle({ initial, isConfigured }: { initial: boolean; isConfigured: boolean }) {
  const [isOn, setIsOn] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-1">
      <label className="inline-flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={isOn}
          onChange={async (e) => {
            const next = e.target.checked;
            const result = await sendJson<{ emailAlerts: boolean }>("/api/me/notifications", "PATCH", { emailAlerts: next });
            if (result.ok) setIsOn(result.data.emailAlerts);
            setError(result.ok ? null : result.message);
          }}
        />
        Email me when a request I may decide is waiting
      </label>
      {!isConfigured && <p className="text-xs text-slate-600">This server sends no email yet (an admin sets AIRLOCK_SMTP_URL).</p>}
      {error && (
        <p role="alert" className="text-xs text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
