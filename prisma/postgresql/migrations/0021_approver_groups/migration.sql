-- Approver groups (lib/groups): a rule may name a group whose members alone decide what it holds.
ALTER TABLE "Rule" ADD COLUMN "approverGroup" TEXT;
ALTER TABLE "ApprovalRequest" ADD COLUMN "approverGroup" TEXT;

CREATE TABLE "ApproverGroup" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApproverGroup_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ApproverGroup_name_key" ON "ApproverGroup"("name");

CREATE TABLE "ApproverGroupMember" (
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "addedBy" TEXT,

    CONSTRAINT "ApproverGroupMember_pkey" PRIMARY KEY ("groupId","userId")
);
CREATE INDEX "ApproverGroupMember_userId_idx" ON "ApproverGroupMember"("userId");
ALTER TABLE "ApproverGroupMember" ADD CONSTRAINT "ApproverGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ApproverGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ApproverGroupMember" ADD CONSTRAINT "ApproverGroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
