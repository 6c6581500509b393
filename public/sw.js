// Airlock's service worker: shows a Web Push alert (a request waits for a decision) and opens
// its link when clicked. The payload is {title, body, url, approvalId} (lib/notifications/dispatch.ts).
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: "Airlock", body: event.data ? event.data.text() : "" };
  }
  const title = typeof data.title === "string" && data.title ? data.title : "Airlock: a request needs a decision";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === "string" ? data.body : "",
      // One notification per request: a later push about it replaces the earlier one.
      tag: typeof data.approvalId === "string" ? `airlock-${data.approvalId}` : undefined,
      data: { url: data.url },
      requireInteraction: true,
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  let target = "/";
  try {
    const url = new URL(event.notification.data?.url ?? "/", self.location.origin);
    // Only a web page is opened (never javascript: or data:).
    if (url.protocol === "https:" || url.protocol === "http:") target = url.href;
  } catch {
    // not a URL: the dashboard's start page
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === target);
      return open ? open.focus() : self.clients.openWindow(target);
    }),
  );
});
