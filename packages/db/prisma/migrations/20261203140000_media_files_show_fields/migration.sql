/*
  Warnings:

  - A unique constraint covering the columns `[transcript_file_id]` on the table `episodes` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[chapters_file_id]` on the table `episodes` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[artwork_file_id]` on the table `shows` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "show_itunes_type" AS ENUM ('episodic', 'serial');

-- CreateEnum
CREATE TYPE "public_file_kind" AS ENUM ('artwork', 'transcript', 'chapters');

-- AlterTable
ALTER TABLE "episodes" ADD COLUMN     "chapters_file_id" UUID,
ADD COLUMN     "transcript_file_id" UUID;

-- AlterTable
ALTER TABLE "media_assets" ADD COLUMN     "part_size" INTEGER;

-- AlterTable
ALTER TABLE "shows" ADD COLUMN     "artwork_file_id" UUID,
ADD COLUMN     "copyright" TEXT,
ADD COLUMN     "itunes_type" "show_itunes_type" NOT NULL DEFAULT 'episodic',
ADD COLUMN     "owner_name" TEXT;

-- CreateTable
CREATE TABLE "public_files" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "show_id" UUID NOT NULL,
    "kind" "public_file_kind" NOT NULL,
    "storage_driver" "storage_driver" NOT NULL,
    "object_key" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "public_files_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "public_files_object_key_key" ON "public_files"("object_key");

-- CreateIndex
CREATE INDEX "public_files_tenant_id_idx" ON "public_files"("tenant_id");

-- CreateIndex
CREATE INDEX "public_files_show_id_idx" ON "public_files"("show_id");

-- CreateIndex
CREATE UNIQUE INDEX "episodes_transcript_file_id_key" ON "episodes"("transcript_file_id");

-- CreateIndex
CREATE UNIQUE INDEX "episodes_chapters_file_id_key" ON "episodes"("chapters_file_id");

-- CreateIndex
CREATE UNIQUE INDEX "shows_artwork_file_id_key" ON "shows"("artwork_file_id");

-- AddForeignKey
ALTER TABLE "shows" ADD CONSTRAINT "shows_artwork_file_id_fkey" FOREIGN KEY ("artwork_file_id") REFERENCES "public_files"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_transcript_file_id_fkey" FOREIGN KEY ("transcript_file_id") REFERENCES "public_files"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_chapters_file_id_fkey" FOREIGN KEY ("chapters_file_id") REFERENCES "public_files"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public_files" ADD CONSTRAINT "public_files_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public_files" ADD CONSTRAINT "public_files_show_id_fkey" FOREIGN KEY ("show_id") REFERENCES "shows"("id") ON DELETE CASCADE ON UPDATE CASCADE;
