import { dashboardLog } from "../observability/dashboard-log";
import { processDueDeliveries } from "./deliveries";

// The dashboard's delivery timer: every second it sends the webhook deliveries that are due
// (retries, and after a restart whatever was pending or cut off mid-send).

const TICK_MS = 1_000;

export function startNotificationWorker(): { stop(): void } {
  let isRunning = false;
  const timer = setInterval(() => {
    if (isRunning) return;
    isRunning = true;
    processDueDeliveries()
      .catch((error) => dashboardLog().error("webhook delivery sweep failed", error))
      .finally(() => {
        isRunning = false;
      });
  }, TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
