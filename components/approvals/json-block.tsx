export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <figure>
      <figcaption className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">{label}</figcaption>
      <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 text-sm text-slate-100">{JSON.stringify(value, null, 2)}</pre>
    </figure>
  );
}
