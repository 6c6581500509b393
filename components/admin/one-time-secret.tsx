"use client";

/** A secret shown once, right after it was made: selectable, with what to do with it. Leaving the page forgets it. */
export function OneTimeSecret({ label, value, children }: { label: string; value: string; children?: React.ReactNode }) {
  return (
    <div role="status" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="one-time-secret">
      <p className="font-semibold text-amber-950">{label}: shown once. Copy it now; only its prefix is kept.</p>
      <input
        readOnly
        aria-label={label}
        value={value}
        onFocus={(e) => e.currentTarget.select()}
        className="block w-full rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs"
        data-testid="secret-value"
      />
      {children}
    </div>
  );
}
