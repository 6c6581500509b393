-- Admin screens: last sign-in, one-time set-password links (stored hashed), personal token expiry.
ALTER TABLE "User" ADD COLUMN "lastSignInAt" TIMESTAMP(3);
ALTER TABLE "User" ADD COLUMN "setPasswordHash" TEXT;
ALTER TABLE "User" ADD COLUMN "setPasswordExpiresAt" TIMESTAMP(3);
CREATE UNIQUE INDEX "User_setPasswordHash_key" ON "User"("setPasswordHash");
ALTER TABLE "PersonalToken" ADD COLUMN "expiresAt" TIMESTAMP(3);
