import type { ReactNode } from "react";

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <p className="text-sm font-bold tracking-tight text-accent">Airlock</p>
        <h1 className="mb-6 mt-1 text-xl font-semibold">{title}</h1>
        {children}
      </div>
    </main>
  );
}
