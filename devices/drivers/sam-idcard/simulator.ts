import { concatBytes, indexOfBytes } from '../../framing/bytes';
import { xor8 } from '../../framing/checksum';
import type { IdCardPerson } from '../../readings';
import { SimulatorBase, type SimulatorOptions } from '../../sim/simulator';
import type { Transport } from '../../transport/transport';
import { COMMANDS, PHOTO_LENGTH, PREAMBLE, reply, SW3, TEXT_LENGTH } from './protocol';
import { encodeText } from './text';

export const SAMPLE_PERSON: IdCardPerson = {
  name: '张秀英',
  sex: 'female',
  ethnicityCode: '01',
  birthDate: '1958-03-07',
  address: '四川省凉山彝族自治州昭觉县竹核乡竹核村3组12号',
  idNumber: '513431195803070021',
  issuingAuthority: '昭觉县公安局',
  validFrom: '2016-05-20',
  validTo: 'long-term',
};

/** Stand-in for a WLT photo: fixed bytes that never spell the preamble. */
export function samplePhoto(): Uint8Array {
  return Uint8Array.from({ length: PHOTO_LENGTH }, (_, i) => (i * 7 + 3) & 0xff);
}

export function readReply(person: IdCardPerson, photo: Uint8Array = samplePhoto()): Uint8Array {
  return reply(
    SW3.ok,
    concatBytes(
      Uint8Array.of(TEXT_LENGTH >> 8, TEXT_LENGTH & 0xff, PHOTO_LENGTH >> 8, PHOTO_LENGTH & 0xff),
      encodeText(person),
      photo,
    ),
  );
}

export const SAM_ID = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);

const NOISE = Uint8Array.of(0x00, 0xaa, 0x55, 0xff);

export interface IdCardSimulatorOptions extends SimulatorOptions {
  person?: IdCardPerson;
  /** Starts with a card on the reader; `everyMs` then puts it on and takes it off in turn. */
  cardPresent?: boolean;
}

/** A SAM reader with one card. Faults apply to the read reply, where they hurt most. */
export class IdCardSimulator extends SimulatorBase {
  private pending: Uint8Array = new Uint8Array(0);
  private cardPresent: boolean;
  private selected = false;
  private person: IdCardPerson;

  constructor(transport: Transport, options: IdCardSimulatorOptions) {
    super(transport, options);
    this.cardPresent = options.cardPresent ?? true;
    this.person = options.person ?? SAMPLE_PERSON;
  }

  setCardPresent(present: boolean): void {
    this.cardPresent = present;
    this.selected = false;
  }

  /** Another card is laid on the reader. */
  setPerson(person: IdCardPerson): void {
    this.person = person;
    this.selected = false;
  }

  protected override onTick(): void {
    this.setCardPresent(!this.cardPresent);
  }

  protected override onCommand(chunk: Uint8Array): void {
    this.pending = concatBytes(this.pending, chunk);
    for (;;) {
      const start = indexOfBytes(this.pending, PREAMBLE);
      if (start === -1 || this.pending.length < start + 10) break;
      const frame = this.pending.subarray(start, start + 10);
      this.pending = this.pending.slice(start + 10);
      void this.answer(frame);
    }
  }

  private async answer(frame: Uint8Array): Promise<void> {
    if (frame[5] !== 0x00 || frame[6] !== 0x03) return this.send(reply(SW3.lengthError));
    if (xor8(frame, 5, 9) !== frame[9]) return this.send(reply(SW3.checksumError));
    const is = (name: keyof typeof COMMANDS): boolean =>
      COMMANDS[name][0] === frame[7] && COMMANDS[name][1] === frame[8];
    if (is('samStatus')) return this.send(reply(SW3.ok));
    if (is('samId')) return this.send(reply(SW3.ok, SAM_ID));
    if (is('findCard'))
      return this.send(reply(this.cardPresent ? SW3.cardFound : SW3.findFailed, [0, 0, 0, 0]));
    if (is('selectCard')) {
      this.selected = this.cardPresent;
      return this.send(reply(this.cardPresent ? SW3.ok : SW3.selectFailed, new Uint8Array(8)));
    }
    if (is('readTextAndPhoto')) return this.read();
    return this.send(reply(SW3.commandError));
  }

  private async read(): Promise<void> {
    if (!this.selected) return this.send(reply(SW3.noContent));
    const good = readReply(this.person);
    switch (this.fault) {
      case 'bad-checksum': {
        const bad = good.slice();
        bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x01;
        return this.send(bad);
      }
      case 'truncated':
        return this.send(good.subarray(0, 700));
      case 'garbage':
        return this.send(concatBytes(NOISE, good));
      case 'error':
        return this.send(reply(SW3.readFailed));
      case 'unplug':
        this.send(good.subarray(0, 600));
        await this.pause(30);
        return this.unplug();
      default:
        return this.send(good);
    }
  }
}
