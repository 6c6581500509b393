#!/usr/bin/env node
// Entry point of the `airlock-bridge` command: loads the TypeScript sources through tsx.
import { register } from "tsx/esm/api";

register();
await import("../mcp-bridge/cli.ts");
