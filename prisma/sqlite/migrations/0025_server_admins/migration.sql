-- Per-server admins (lib/server-admins): a reviewer who administers one server's tools and upstream secrets.
CREATE TABLE "ServerAdmin" (
    "userId" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "addedBy" TEXT,

    PRIMARY KEY ("userId", "server"),
    CONSTRAINT "ServerAdmin_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "ServerAdmin_server_idx" ON "ServerAdmin"("server");
