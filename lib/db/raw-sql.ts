import { resolveDatabaseTarget } from "./database-url";

export const isPostgres = () => resolveDatabaseTarget().provider === "postgresql";

/** `$1, $2` placeholders as each database's raw queries take them (SQLite: `?`, in order of appearance). */
export const placeholders = (sql: string) => (isPostgres() ? sql : sql.replace(/\$\d+/g, "?"));

/** `$first, …` for a list of n values, to use in `IN (…)`. */
export const parameterList = (n: number, first = 1) => Array.from({ length: n }, (_, i) => `$${first + i}`).join(", ");
