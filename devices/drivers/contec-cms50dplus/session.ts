import { OximeterSession } from '../../session/oximeter-session';
import type { SessionOptions } from '../../session/session';
import type { Transport } from '../../transport/transport';
import { createCms50Parser } from './parser';

/** Firmware 4.6 streams live data as soon as the port opens; nothing to send. */
export class Cms50Session extends OximeterSession {
  constructor(transport: Transport, options: SessionOptions) {
    super(transport, createCms50Parser(options), options);
  }
}
