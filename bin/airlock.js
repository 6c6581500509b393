#!/usr/bin/env node
// Entry point of the `airlock` admin command: loads the TypeScript sources through tsx.
import { register } from "tsx/esm/api";

register();
await import("../lib/cli/main.ts");
