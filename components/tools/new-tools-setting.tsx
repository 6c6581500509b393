"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson } from "@/components/ui/send-json";

/** Whether tools this bridge reports for the first time start enabled or wait for an admin. */
export function NewToolsSetting({ bridgeId, bridgeName, value, canEdit }: { bridgeId: string; bridgeName: string; value: string; canEdit: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const id = `new-tools-${bridgeId}`;
  if (!canEdit) return <span>{value === "enabled" ? "enabled at once" : "disabled until reviewed"}</span>;
  return (
    <span className="inline-flex items-center gap-2">
      <label htmlFor={id} className="sr-only">
        New tools of {bridgeName}
      </label>
      <select
        id={id}
        defaultValue={value}
        className="rounded border border-slate-300 bg-white px-2 py-1 text-sm"
        onChange={async (e) => {
          const result = await sendJson(`/api/bridges/${bridgeId}`, "PATCH", { newTools: e.target.value });
          setError(result.ok ? null : result.message);
          router.refresh();
        }}
      >
        <option value="disabled">disabled until reviewed</option>
        <option value="enabled">enabled at once (trust this bridge&apos;s servers)</option>
      </select>
      {error && (
        <span role="alert" className="text-xs text-red-800">
          {error}
        </span>
      )}
    </span>
  );
}
