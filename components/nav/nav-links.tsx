"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** The main navigation's links; the current page's is marked for assistive technology and by eye. */
export function NavLinks({ links }: { links: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return links.map(({ href, label }) => {
    const isCurrent = href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
    return (
      <Link
        key={href}
        href={href}
        aria-current={isCurrent ? "page" : undefined}
        className={`text-sm font-medium hover:text-slate-950 ${isCurrent ? "text-slate-950 underline decoration-2 underline-offset-4" : "text-slate-700"}`}
      >
        {label}
      </Link>
    );
  });
}
