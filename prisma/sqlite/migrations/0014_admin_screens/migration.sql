-- Admin screens: last sign-in, one-time set-password links (stored hashed), personal token expiry.
ALTER TABLE "User" ADD COLUMN "lastSignInAt" DATETIME;
ALTER TABLE "User" ADD COLUMN "setPasswordHash" TEXT;
ALTER TABLE "User" ADD COLUMN "setPasswordExpiresAt" DATETIME;
CREATE UNIQUE INDEX "User_setPasswordHash_key" ON "User"("setPasswordHash");
ALTER TABLE "PersonalToken" ADD COLUMN "expiresAt" DATETIME;
