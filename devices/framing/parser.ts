/**
 * Every driver's parser has this shape: pure, incremental, no timers and no I/O, so the same
 * object works on live ports, capture replays and property tests.
 */
export interface Parser<E> {
  /** Feed the next chunk exactly as the transport delivered it; returns what it completed. */
  push(chunk: Uint8Array): E[];
  /** The stream ended or went quiet: report whatever partial frame is still held. */
  flush(): E[];
}
