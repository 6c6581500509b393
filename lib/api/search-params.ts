import type { ZodType } from "zod";
import { AppError, fromZodError } from "../errors/app-error";

/** Parses URL search params with a zod schema (repeated keys are joined by commas). */
export function parseSearchParams<T>(url: string, schema: ZodType<T>): T {
  const params = new URL(url).searchParams;
  const raw: Record<string, string> = {};
  for (const key of new Set(params.keys())) raw[key] = params.getAll(key).join(",");
  const result = schema.safeParse(raw);
  if (!result.success) throw fromZodError(result.error, "query");
  return result.data;
}

export function requireId(id: string | undefined): string {
  if (!id || !/^[\w-]{1,100}$/.test(id)) throw new AppError("bad_request", { message: "malformed id" });
  return id;
}
