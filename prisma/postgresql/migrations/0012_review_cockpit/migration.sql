-- The tool's behaviour hints on each request (queue badges), and signed single-use review links.
ALTER TABLE "ApprovalRequest" ADD COLUMN "toolAnnotations" JSONB;

CREATE TABLE "ReviewLink" (
    "id" TEXT NOT NULL,
    "nonceHash" TEXT NOT NULL,
    "approvalId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "argumentsHash" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    CONSTRAINT "ReviewLink_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ReviewLink_nonceHash_key" ON "ReviewLink"("nonceHash");
CREATE INDEX "ReviewLink_approvalId_idx" ON "ReviewLink"("approvalId");
ALTER TABLE "ReviewLink" ADD CONSTRAINT "ReviewLink_approvalId_fkey" FOREIGN KEY ("approvalId") REFERENCES "ApprovalRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ReviewLink" ADD CONSTRAINT "ReviewLink_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
