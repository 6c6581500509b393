-- Approver groups (lib/groups): a rule may name a group whose members alone decide what it holds.
ALTER TABLE "Rule" ADD COLUMN "approverGroup" TEXT;
ALTER TABLE "ApprovalRequest" ADD COLUMN "approverGroup" TEXT;

CREATE TABLE "ApproverGroup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "ApproverGroup_name_key" ON "ApproverGroup"("name");

CREATE TABLE "ApproverGroupMember" (
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "addedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "addedBy" TEXT,

    PRIMARY KEY ("groupId", "userId"),
    CONSTRAINT "ApproverGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ApproverGroup" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApproverGroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "ApproverGroupMember_userId_idx" ON "ApproverGroupMember"("userId");
