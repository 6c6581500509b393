// The dashboard process: Next.js, the REST API and socket.io on one port.
// `npm start` runs it through the `airlock start` command (which builds first if needed).
import { startServer } from "./lib/server/start-server";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";

startServer({ port, hostname, dev: process.env.NODE_ENV === "development" }).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
