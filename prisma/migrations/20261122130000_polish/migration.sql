-- Shipment investigations can be closed (shipment.close_investigation): how each ended and who
-- closed it, set with closed_at. Nullable columns without defaults: no table rewrite.

-- CreateEnum
CREATE TYPE "ShipmentInvestigationResolution" AS ENUM ('delivered', 'found_in_transit', 'lost', 'returned_to_sender', 'address_corrected', 'label_replaced', 'unfounded', 'other');

-- AlterTable
ALTER TABLE "shipment_investigations" ADD COLUMN     "closed_by" INTEGER,
ADD COLUMN     "resolution" "ShipmentInvestigationResolution";

-- CreateIndex
CREATE INDEX "shipment_investigations_closed_by_idx" ON "shipment_investigations"("closed_by");

-- AddForeignKey
ALTER TABLE "shipment_investigations" ADD CONSTRAINT "shipment_investigations_closed_by_fkey" FOREIGN KEY ("closed_by") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;
