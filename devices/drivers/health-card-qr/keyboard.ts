/**
 * Scanners in HID keyboard mode "type" the token followed by Enter, far faster than a person.
 * The focused field receives those keys too; this tells a scan from typing by timing alone:
 * a burst of at least `minLength` characters, each within `maxGapMs` of the last, ended by Enter
 * within the same gap, is a scan. Anything slower, or interrupted by an editing key, is not.
 */
export interface KeyStroke {
  /** `KeyboardEvent.key`: 'a', 'A', '7', ':', 'Enter', 'Shift', ... */
  key: string;
  /** Milliseconds, any monotonic clock (`KeyboardEvent.timeStamp`). */
  at: number;
}

export interface WedgeOptions {
  /** USB scanners send a key every 1-10 ms; the fastest typists manage about 50 ms. */
  maxGapMs?: number;
  minLength?: number;
}

/** Held down by the scanner for upper case; they neither count nor break a burst. */
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'AltGraph']);

export class KeyboardWedge {
  private burst = '';
  private lastAt = Number.NEGATIVE_INFINITY;
  private readonly maxGapMs: number;
  private readonly minLength: number;

  constructor(options: WedgeOptions = {}) {
    this.maxGapMs = options.maxGapMs ?? 30;
    this.minLength = options.minLength ?? 8;
  }

  /** Feed every keydown; returns the scanned text when this key completed a scan. */
  push(stroke: KeyStroke): string | undefined {
    if (MODIFIERS.has(stroke.key)) return undefined;
    const inBurst = stroke.at - this.lastAt <= this.maxGapMs;
    this.lastAt = stroke.at;
    if (stroke.key === 'Enter') {
      const scanned = inBurst && this.burst.length >= this.minLength ? this.burst : undefined;
      this.burst = '';
      return scanned;
    }
    if (stroke.key.length !== 1) {
      this.burst = '';
      return undefined;
    }
    this.burst = inBurst ? this.burst + stroke.key : stroke.key;
    return undefined;
  }
}

/** The scans hidden in a recorded key stream, for tests and for replaying a support capture. */
export function scansFromKeys(strokes: Iterable<KeyStroke>, options?: WedgeOptions): string[] {
  const wedge = new KeyboardWedge(options);
  const scans: string[] = [];
  for (const stroke of strokes) {
    const scanned = wedge.push(stroke);
    if (scanned !== undefined) scans.push(scanned);
  }
  return scans;
}
