"use client";

import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface Series {
  key: string;
  label: string;
  color: string;
}

const HEIGHT = 260;

/**
 * Charts draw on the client only: Recharts sizes itself with inline styles, which the
 * Content-Security-Policy refuses in server-rendered HTML (style attributes) but allows
 * when set from script. Until then the space is kept, so nothing jumps.
 */
function useMounted(): boolean {
  const [isMounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return isMounted;
}

function Frame({ label, children }: { label: string; children: React.ReactElement }) {
  const isMounted = useMounted();
  return (
    <figure aria-label={label} className="h-[260px] w-full">
      {isMounted ? (
        <ResponsiveContainer width="100%" height={HEIGHT}>
          {children}
        </ResponsiveContainer>
      ) : null}
    </figure>
  );
}

/** Bars over days, stacked (calls by outcome) or side by side. */
export function DayBars({ label, data, series, isStacked = false }: { label: string; data: object[]; series: Series[]; isStacked?: boolean }) {
  return (
    <Frame label={label}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tick={{ fontSize: 11 }} tickFormatter={(d: string) => d.slice(5)} />
        <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
        <Tooltip />
        <Legend />
        {series.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} stackId={isStacked ? "day" : undefined} isAnimationActive={false} />
        ))}
      </BarChart>
    </Frame>
  );
}

/** Lines over days (time to decision, p50 and p90). */
export function DayLines({ label, data, series, unit }: { label: string; data: object[]; series: Series[]; unit: string }) {
  return (
    <Frame label={label}>
      <LineChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="day" tick={{ fontSize: 11 }} tickFormatter={(d: string) => d.slice(5)} />
        <YAxis tick={{ fontSize: 11 }} width={64} unit={unit} />
        <Tooltip />
        <Legend />
        {series.map((s) => (
          <Line key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={s.color} dot={false} isAnimationActive={false} />
        ))}
      </LineChart>
    </Frame>
  );
}

/** Horizontal bars by name (tools, rules, reviewers), largest first. */
export function NamedBars({ label, data, nameKey, series }: { label: string; data: object[]; nameKey: string; series: Series[] }) {
  return (
    <Frame label={label}>
      <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
        <YAxis type="category" dataKey={nameKey} width={160} tick={{ fontSize: 11 }} />
        <Tooltip />
        <Legend />
        {series.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} stackId="n" isAnimationActive={false} />
        ))}
      </BarChart>
    </Frame>
  );
}
