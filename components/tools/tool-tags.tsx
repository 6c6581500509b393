"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON_PRIMARY } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";

type TRole = { private: boolean; untrusted: boolean; sink: boolean };
type TSource = "private" | "untrusted" | "both" | "none";

const describeSource = (r: TRole) => (r.private && r.untrusted ? "both" : r.private ? "private data" : r.untrusted ? "untrusted content" : "nothing of note");

/**
 * The chain rule's view of a tool: what its results bring into a session and whether a
 * call sends data out. Defaults come from the annotations and the name; an admin's tag
 * overrides them (audited).
 */
export function ToolTags({
  toolId,
  source,
  sink,
  role,
  defaultRole,
  canEdit,
}: {
  toolId: string;
  source: string | null;
  sink: boolean | null;
  role: TRole;
  defaultRole: TRole;
  canEdit: boolean;
}) {
  const router = useRouter();
  const [sourceDraft, setSource] = useState<string>(source ?? "");
  const [sinkDraft, setSink] = useState<string>(sink === null ? "" : String(sink));
  const [message, setMessage] = useState<string | null>(null);

  async function save() {
    setMessage(null);
    const result = await sendJson(`/api/tools/${toolId}/tags`, "PUT", {
      source: sourceDraft ? (sourceDraft as TSource) : null,
      sink: sinkDraft ? sinkDraft === "true" : null,
    });
    if (!result.ok) return setMessage(result.message);
    setMessage("Saved; bridges use the new tags for new calls.");
    router.refresh();
  }

  return (
    <section aria-labelledby="tags-heading" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4" data-testid="tool-tags">
      <h2 id="tags-heading" className="text-lg font-semibold">
        In a session chain
      </h2>
      <p className="text-sm text-slate-700">
        Its results bring in <strong>{describeSource(role)}</strong>; a call {role.sink ? <strong>sends data out</strong> : "does not send data out"}. A session
        that took in private data and untrusted content has its sends held.
      </p>
      {canEdit && (
        <div className="flex flex-wrap items-end gap-3 text-sm">
          <label className="space-y-1">
            <span className="block font-medium">Its results bring in</span>
            <select className="rounded border border-slate-300 p-1" value={sourceDraft} onChange={(e) => setSource(e.target.value)}>
              <option value="">default ({describeSource(defaultRole)})</option>
              <option value="private">private data</option>
              <option value="untrusted">untrusted content</option>
              <option value="both">both</option>
              <option value="none">nothing of note</option>
            </select>
          </label>
          <label className="space-y-1">
            <span className="block font-medium">A call sends data out</span>
            <select className="rounded border border-slate-300 p-1" value={sinkDraft} onChange={(e) => setSink(e.target.value)}>
              <option value="">default ({defaultRole.sink ? "yes" : "no"})</option>
              <option value="true">yes</option>
              <option value="false">no</option>
            </select>
          </label>
          <button type="button" className={BUTTON_PRIMARY} onClick={save}>
            Save tags
          </button>
        </div>
      )}
      {message && (
        <p role="status" className="text-sm">
          {message}
        </p>
      )}
    </section>
  );
}
