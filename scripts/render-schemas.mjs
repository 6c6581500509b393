// Renders prisma/schema.base.prisma into one schema per provider.
// Prisma allows one provider per schema; the models are the same for all.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const base = readFileSync(join(root, "prisma/schema.base.prisma"), "utf8");
const PROVIDERS = ["sqlite", "postgresql"];
const isCheck = process.argv.includes("--check");
let stale = false;

for (const provider of PROVIDERS) {
  const header = `// GENERATED from prisma/schema.base.prisma by scripts/render-schemas.mjs. Do not edit.

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["driverAdapters", "queryCompiler"]
  engineType      = "client"
  output          = "../../lib/db/generated/${provider}"
}

datasource db {
  provider = "${provider}"
  url      = env("DATABASE_URL")
}
`;
  const file = join(root, "prisma", provider, "schema.prisma");
  const text = `${header}\n${base}`;
  if (isCheck) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {}
    if (current !== text) {
      console.error(`${file} is stale: run npm run db:schemas`);
      stale = true;
    }
  } else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
if (stale) process.exit(1);
