"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson } from "@/components/ui/send-json";

/** Makes an earlier version current again (as a new version). */
export function RollbackButton({ version }: { version: number }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <span>
      <button
        type="button"
        className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50"
        onClick={async () => {
          if (!window.confirm(`Make version ${version} current again?`)) return;
          const result = await sendJson("/api/rules/rollback", "POST", { version });
          if (!result.ok) return setError(result.message);
          router.refresh();
        }}
      >
        Roll back to v{version}
      </button>
      {error && (
        <span role="alert" className="ml-2 text-xs text-red-800">
          {error}
        </span>
      )}
    </span>
  );
}
