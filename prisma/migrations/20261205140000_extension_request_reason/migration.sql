-- AlterTable
ALTER TABLE "JitRequest" ADD COLUMN     "extensionRequestReason" TEXT;

