import { ascii, concatBytes } from '../../framing/bytes';
import { SimulatorBase, type SimulatorOptions } from '../../sim/simulator';
import type { Transport } from '../../transport/transport';
import { MllpDecoder, wrapMllp } from './mllp';

export interface MonitorVitals {
  systolic: number;
  diastolic: number;
  mean: number;
  pulse: number;
  spo2: number;
  temperatureC: number;
  respiration: number;
}

const DEFAULT_VITALS: MonitorVitals = {
  systolic: 126,
  diastolic: 78,
  mean: 94,
  pulse: 74,
  spo2: 97,
  temperatureC: 36.6,
  respiration: 16,
};

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** An IHE PCD-01 ORU^R01 the way a bedside monitor formats it. */
export function buildOru(
  controlId: string,
  vitals: MonitorVitals,
  at = '20261121093000+0800',
  patientId = 'P0042',
): string {
  const obx = (n: number, code: string, name: string, value: number, unit: string): string =>
    `OBX|${n}|NM|${code}^${name}^MDC|1.1.1.${n}|${value}|${unit}^MDC|||||R|||${at}`;
  return [
    `MSH|^~\\&|SIM_MONITOR^0012345678ABCDEF^EUI-64|ZHUHE|||${at}||ORU^R01^ORU_R01|${controlId}|P|2.6|||AL|NE||UNICODE UTF-8`,
    `PID|||${patientId}^^^ZHUHE^PI||张^秀英||19580307|F`,
    'PV1||O|GP^^1',
    `OBR|1|${controlId}^SIM|${controlId}^SIM|182777000^monitoring of patient^SNOMED-CT|||${at}`,
    obx(1, '150021', 'MDC_PRESS_BLD_NONINV_SYS', vitals.systolic, '266016^MDC_DIM_MMHG'),
    obx(2, '150022', 'MDC_PRESS_BLD_NONINV_DIA', vitals.diastolic, '266016^MDC_DIM_MMHG'),
    obx(3, '150023', 'MDC_PRESS_BLD_NONINV_MEAN', vitals.mean, '266016^MDC_DIM_MMHG'),
    obx(4, '149546', 'MDC_PULS_RATE_NON_INV', vitals.pulse, '264864^MDC_DIM_BEAT_PER_MIN'),
    obx(5, '150456', 'MDC_PULS_OXIM_SAT_O2', vitals.spo2, '262688^MDC_DIM_PERCENT'),
    obx(6, '150344', 'MDC_TEMP', vitals.temperatureC, '268192^MDC_DIM_DEGC'),
    obx(7, '151562', 'MDC_RESP_RATE', vitals.respiration, '264928^MDC_DIM_RESP_PER_MIN'),
    '',
  ].join('\r');
}

/** A monitor on the client end of the link: sends a message per `sendVitals()` or `everyMs`, collects ACKs. */
export class MonitorSimulator extends SimulatorBase {
  readonly acks: string[] = [];
  private readonly decoder = new MllpDecoder();
  private messages = 0;

  constructor(transport: Transport, options: SimulatorOptions) {
    super(transport, options);
  }

  protected override onCommand(chunk: Uint8Array): void {
    for (const item of this.decoder.push(chunk)) {
      if (item instanceof Uint8Array) this.acks.push(decoder.decode(item));
    }
  }

  protected override onTick(): void {
    this.sendVitals();
  }

  sendVitals(vitals: Partial<MonitorVitals> = {}): string {
    const controlId = `SIM${String(++this.messages).padStart(5, '0')}`;
    const message = utf8.encode(buildOru(controlId, { ...DEFAULT_VITALS, ...vitals }));
    switch (this.fault) {
      case 'bad-checksum': {
        // MLLP has no checksum; a corrupted header is what a bad link does to a message.
        const bad = message.slice();
        bad[0] = 0x3f;
        this.send(wrapMllp(bad));
        break;
      }
      case 'truncated':
        this.send(concatBytes(Uint8Array.of(0x0b), message.subarray(0, 120)));
        break;
      case 'garbage':
        this.send(concatBytes(ascii('noise!'), wrapMllp(message)));
        break;
      case 'error':
        this.send(wrapMllp(utf8.encode(buildOru(controlId, { ...DEFAULT_VITALS, ...vitals, spo2: 130 }))));
        break;
      case 'unplug':
        this.send(concatBytes(Uint8Array.of(0x0b), message.subarray(0, 200)));
        this.unplug();
        break;
      default:
        this.send(wrapMllp(message));
    }
    return controlId;
  }
}
