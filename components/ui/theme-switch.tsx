"use client";

import { useState } from "react";
import { THEME_COOKIE, type Theme } from "@/lib/ui/theme";

/** System, light or dark: kept in a cookie so the server renders the page in it (no flash). */
export function ThemeSwitch({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState(initial);
  return (
    <label className="flex items-center gap-1 text-sm text-slate-700">
      <span className="sr-only">Colour theme</span>
      <select
        value={theme}
        onChange={(e) => {
          const next = e.target.value as Theme;
          setTheme(next);
          if (next === "system") delete document.documentElement.dataset.theme;
          else document.documentElement.dataset.theme = next;
          // biome-ignore lint/suspicious/noDocumentCookie: a display preference, readable by the server's render
          document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
        }}
        className="rounded-md border border-slate-300 bg-white px-1.5 py-1 text-sm"
      >
        <option value="system">System theme</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
