-- Text columns a console sorts by use the ICU root collation, so that names sort as people expect
-- ("alpha", "Bravo", "charlie") instead of in byte order, where every capital comes first. The
-- collation is deterministic: equality and unique indexes still compare exact strings. Prisma's
-- schema cannot declare a column collation, so it exists only here. It needs a PostgreSQL built
-- with ICU, as the Debian packages, the official image and embedded-postgres are.

-- AlterTable
ALTER TABLE "JitRequest"
  ALTER COLUMN "name" TYPE TEXT COLLATE "und-x-icu",
  ALTER COLUMN "userAccountName" TYPE TEXT COLLATE "und-x-icu",
  ALTER COLUMN "requestedBy" TYPE TEXT COLLATE "und-x-icu",
  ALTER COLUMN "approvedBy" TYPE TEXT COLLATE "und-x-icu",
  ALTER COLUMN "reasonByUser" TYPE TEXT COLLATE "und-x-icu",
  ALTER COLUMN "reasonByAdmin" TYPE TEXT COLLATE "und-x-icu",
  ALTER COLUMN "revokedBy" TYPE TEXT COLLATE "und-x-icu";

-- AlterTable
ALTER TABLE "Device" ALTER COLUMN "name" TYPE TEXT COLLATE "und-x-icu";

-- AlterTable
ALTER TABLE "DeviceGroup" ALTER COLUMN "name" TYPE TEXT COLLATE "und-x-icu";
