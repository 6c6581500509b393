// The `airlock` admin command. Talks to the database directly (it runs where the dashboard runs).
import { parseArgs } from "node:util";
import { z } from "zod";
import { ROLES } from "../auth/roles";
import { migrateDatabase } from "../db/migrate";
import { AppError } from "../errors/app-error";
import { ZEmail, ZPassword } from "../users/users.types";
import { runStart } from "./start-command";

const USAGE = `Usage: airlock <command> [options]

  start                                   build the dashboard if needed, migrate the database, serve it
  user add --email E --password P --role admin|reviewer|auditor [--name N]
  user disable --email E | user enable --email E
                                          disable or re-enable a user; either ends their sessions
  user role --email E --role admin|reviewer|auditor
                                          change a user's role; ends their sessions
  token create --email E --name N         print a new personal access token for the REST API
  bridge-token create --name N [--new-tools disabled|enabled]
                                          print a new bridge token for airlock-bridge --token;
                                          --new-tools: whether tools it reports first start enabled
                                          (default disabled: an admin enables each in the inventory)
  rules export [--format yaml|json]       print the current policy as a policy file
  rules apply -f FILE [--comment C] [--dry-run]
                                          validate FILE, print the plan, apply it as one new version
  scan --upstream CMD|URL | --text FILE… --as result|arguments | --session FILE…
       [--format text|json] [--fail-on low|medium|high]
                                          scan a server's definitions, texts, or recorded sessions
                                          offline; exit 1 on findings, 2 when it could not scan
  audit verify [--from SEQ] [--to SEQ] | --file EXPORT.ndjson [--public-key KEY]
                                          check the audit chain (or an exported file, offline) and
                                          name the first edited, deleted or inserted event; exit 1 if broken
  audit erase --principal EMAIL [--dry-run]
                                          erase one person's principal and call arguments (the chain still verifies)
  audit purge [--dry-run] | audit hold on --reason TEXT | audit hold off
                                          purge events past AIRLOCK_AUDIT_RETENTION; a legal hold stops purges

Environment: DATABASE_URL (default: embedded SQLite in ./data), PORT (3000), HOST (127.0.0.1).`;

class UsageError extends Error {}

function options<T extends z.ZodRawShape>(args: string[], shape: T): z.infer<z.ZodObject<T>> {
  const spec = Object.fromEntries(Object.keys(shape).map((k) => [k, { type: "string" as const }]));
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const result = z.object(shape).strict().safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(`--${issue.path.join(".")}: ${issue.message}`);
  }
  return result.data;
}

async function withDb<T>(work: () => Promise<T>): Promise<T> {
  await migrateDatabase();
  return work();
}

async function applyRules(args: string[]): Promise<void> {
  const options = { file: { type: "string", short: "f" }, comment: { type: "string" }, "dry-run": { type: "boolean" } } as const;
  let values: ReturnType<typeof parseArgs<{ args: string[]; strict: true; options: typeof options }>>["values"];
  try {
    values = parseArgs({ args, strict: true, options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.file) throw new UsageError("rules apply needs -f FILE");
  const { readFileSync } = await import("node:fs");
  const { parsePolicyFile } = await import("../rules/policy-file");
  const { formatDiff } = await import("../policy/policy-diff");
  const { replacePolicy } = await import("../rules/policy-versions");
  // Everything is validated before anything is written: a bad file changes nothing.
  const policy = parsePolicyFile(readFileSync(values.file, "utf8"), values.file);
  const isDryRun = values["dry-run"] === true;
  const change = await withDb(() => replacePolicy({ policy, author: "cli", comment: values.comment ?? `applied ${values.file}`, isDryRun }));
  console.log(`Plan against version ${isDryRun || !change.isApplied ? change.version : change.version - 1}:`);
  for (const line of formatDiff(change.diff)) console.log(`  ${line}`);
  console.log(change.isApplied ? `Applied as version ${change.version}.` : isDryRun ? "Dry run: nothing was changed." : "Nothing to apply.");
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  const key = [command, sub].filter(Boolean).join(" ");
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return;
  }
  if (command === "start") return runStart(argv.slice(1));
  if (command === "audit") {
    const { runAudit } = await import("./audit-command");
    process.exitCode = await runAudit(argv.slice(1));
    return;
  }
  if (command === "scan") {
    const { runScan } = await import("./scan-command");
    process.exitCode = await runScan(argv.slice(1));
    return;
  }
  if (key === "user add") {
    const input = options(rest, { email: ZEmail, password: ZPassword, role: z.enum(ROLES), name: z.string().max(120).optional() });
    const { createUser } = await import("../users/create-user");
    const user = await withDb(() => createUser(input));
    console.log(`Added ${user.role} ${user.email}`);
    return;
  }
  if (key === "user disable" || key === "user enable") {
    const { email } = options(rest, { email: ZEmail });
    const { setUserDisabled } = await import("../users/update-user");
    await withDb(() => setUserDisabled({ email, isDisabled: sub === "disable" }));
    console.log(`${sub === "disable" ? "Disabled" : "Enabled"} ${email}; their sessions have ended`);
    return;
  }
  if (key === "user role") {
    const input = options(rest, { email: ZEmail, role: z.enum(ROLES) });
    const { setUserRole } = await import("../users/update-user");
    await withDb(() => setUserRole(input));
    console.log(`${input.email} is now ${input.role}; their sessions have ended`);
    return;
  }
  if (key === "token create") {
    const input = options(rest, { email: ZEmail, name: z.string().trim().min(1).max(100) });
    const { createPersonalToken } = await import("../users/personal-tokens");
    const created = await withDb(() => createPersonalToken(input));
    console.error(`Personal access token "${created.name}" for ${created.email} (shown once; store it now):`);
    console.log(created.token);
    return;
  }
  if (key === "bridge-token create") {
    const input = options(rest, {
      name: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .regex(/^[\w.-]+$/, "letters, digits, _ . - only"),
      "new-tools": z.enum(["disabled", "enabled"]).default("disabled"),
    });
    const { createBridgeToken } = await import("../bridges/bridge-tokens");
    const created = await withDb(() => createBridgeToken({ name: input.name, newTools: input["new-tools"] }));
    console.error(`Bridge token for "${created.name}" (shown once; pass it to airlock-bridge --token or AIRLOCK_BRIDGE_TOKEN):`);
    console.log(created.token);
    return;
  }
  if (key === "rules export") {
    const input = options(rest, { format: z.enum(["yaml", "json"]).default("yaml") });
    const [{ loadPolicy }, { formatPolicyFile }] = await Promise.all([import("../rules/policy-versions"), import("../rules/policy-file")]);
    process.stdout.write(formatPolicyFile(await withDb(loadPolicy), input.format));
    return;
  }
  if (key === "rules apply") {
    return applyRules(rest);
  }
  throw new UsageError(`unknown command "${key}"`);
}

main(process.argv.slice(2)).then(
  () => {
    if (process.argv[2] !== "start") process.exit(process.exitCode ?? 0);
  },
  (error) => {
    if (error instanceof UsageError) {
      console.error(`airlock: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`airlock: ${error instanceof AppError ? error.message : (error as Error).message}`);
    process.exit(1);
  },
);
