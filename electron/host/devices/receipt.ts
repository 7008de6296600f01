/**
 * The vitals slip: the renderer describes it (already in the clinic's language), the host lays it
 * out in ESC/POS with the device layer's Receipt builder. Pure, so its bytes are pinned by a fixture.
 */
import { Receipt } from '../../../devices/drivers/escpos/receipt';
import type { VitalsReceipt } from '../../bridge/contract';

export function vitalsReceiptBytes(slip: VitalsReceipt): Uint8Array {
  const receipt = new Receipt()
    .align('center')
    .bold(true)
    .size(2, 2)
    .line(slip.facility)
    .size(1, 1)
    .bold(false)
    .line(slip.title)
    .align('left')
    .line(slip.patient);
  for (const { label, value } of slip.lines) receipt.line(`${label}：${value}`);
  return receipt
    .align('center')
    .qr(slip.qr, { moduleSize: 6, errorCorrection: 'M' })
    .line(slip.footer)
    .cut()
    .build();
}
