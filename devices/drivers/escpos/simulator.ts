import { concatBytes, indexOfBytes } from '../../framing/bytes';
import { SimulatorBase } from '../../sim/simulator';
import { PAPER_STATUS_REQUEST, STATUS_BYTES } from './status';

/**
 * A receipt printer that keeps everything it was sent (`printed`) and answers paper-status
 * requests. `error` means an empty roll; `truncated` means it never answers.
 */
export class PrinterSimulator extends SimulatorBase {
  printed: Uint8Array = new Uint8Array(0);

  protected override onCommand(chunk: Uint8Array): void {
    this.printed = concatBytes(this.printed, chunk);
    if (indexOfBytes(chunk, PAPER_STATUS_REQUEST) === -1) {
      if (this.fault === 'unplug') this.unplug();
      return;
    }
    switch (this.fault) {
      case 'error':
        this.send(Uint8Array.of(STATUS_BYTES['paper-out']));
        return;
      case 'bad-checksum':
        this.send(Uint8Array.of(0xff));
        return;
      case 'garbage':
        this.send(Uint8Array.of(0x00, 0xff, STATUS_BYTES['paper-ok']));
        return;
      case 'truncated':
        return;
      default:
        this.send(Uint8Array.of(STATUS_BYTES['paper-ok']));
    }
  }
}
