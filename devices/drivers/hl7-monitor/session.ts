import { DeviceError, type VitalsReading } from '../../readings';
import { DeviceSession, type SessionOptions } from '../../session/session';
import { TcpListener } from '../../transport/tcp';
import type { Transport } from '../../transport/transport';
import { wrapMllp } from './mllp';
import { buildAck } from './oru';
import { createMonitorParser, type MonitorEvent } from './parser';

const utf8 = new TextEncoder();

/** One monitor connection: every message gets its ACK, vitals go to listeners. */
export class MonitorSession extends DeviceSession<MonitorEvent> {
  constructor(transport: Transport, options: SessionOptions & { now?: () => Date }) {
    // TCP may stall mid-message for longer than a serial line ever pauses.
    super(transport, createMonitorParser(options), { idleFlushMs: 5000, ...options });
    const now = options.now ?? (() => new Date());
    this.on((event) => {
      if (event.type !== 'hl7-received') return;
      this.send(wrapMllp(utf8.encode(buildAck(event, now())))).catch(() => undefined);
    });
  }

  nextVitals(timeoutMs = 60_000): Promise<VitalsReading> {
    return this.waitFor(
      (event) => {
        if (event.type === 'reading') return event;
        if (event.type === 'fault' && event.reason === 'disconnected') throw DeviceError.fromFault(event);
        return undefined;
      },
      timeoutMs,
      'vitals',
    );
  }
}

/** Monitors dial the host: listen, and make a session per connection. Port 0 picks a free one. */
export function listenForMonitors(
  port: number,
  onMonitor: (session: MonitorSession) => void,
): Promise<TcpListener> {
  let connections = 0;
  return TcpListener.listen(port, (transport) => {
    connections++;
    onMonitor(new MonitorSession(transport, { deviceId: `monitor-${transport.remote}-${connections}` }));
  });
}
