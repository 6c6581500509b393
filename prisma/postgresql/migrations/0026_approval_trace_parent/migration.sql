-- The held call's trace context (W3C traceparent), so a reviewer's decision trace can link to it.
ALTER TABLE "ApprovalRequest" ADD COLUMN "traceParent" TEXT;
