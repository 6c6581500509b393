// An npx-like launcher: runs the real server (its arguments) as its own child with
// stdio inherited, waits for it, and forwards no signal. Ending the launcher alone
// leaves the server running, orphaned: what `npx -y pkg` does when only npm is killed.
import { spawn } from "node:child_process";

const [command, ...args] = process.argv.slice(2);
const server = spawn(command, args, { stdio: "inherit" });
server.on("exit", (code) => process.exit(code ?? 1));
