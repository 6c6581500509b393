-- The signed approval receipt of each decided request (lib/approvals/receipt.ts).
ALTER TABLE "ApprovalRequest" ADD COLUMN "receipt" JSONB;
