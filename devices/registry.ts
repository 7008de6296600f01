/**
 * Every driver the app can offer. Adding a vendor: a folder under drivers/ exporting a
 * DriverDescriptor, and one line here.
 */
import type { DriverDescriptor } from './driver';
import { contecCms50dPlus } from './drivers/contec-cms50dplus';
import { escposPrinter } from './drivers/escpos';
import { gigadeviceOximeter } from './drivers/gigadevice-28e9-028a';
import { healthCardQr } from './drivers/health-card-qr';
import { hl7Monitor } from './drivers/hl7-monitor';
import { omronHbp9030 } from './drivers/omron-hbp9030';
import { samIdCard } from './drivers/sam-idcard';
import { suntechNibp } from './drivers/suntech-nibp';

export const DRIVERS: readonly DriverDescriptor[] = [
  omronHbp9030,
  suntechNibp,
  contecCms50dPlus,
  gigadeviceOximeter,
  samIdCard,
  healthCardQr,
  escposPrinter,
  hl7Monitor,
];

export function findDriver(id: string): DriverDescriptor | undefined {
  return DRIVERS.find((driver) => driver.id === id);
}
