/**
 * Live hints for /v1/stream. Every gateway process LISTENs on one channel;
 * whichever process committed a write NOTIFYs it, so a clinic connected to
 * any process hears about changes in its scope. The hub holds only open
 * connections, nothing that must survive a restart.
 */
import type { ReplicatedCollection, StreamEvent } from '../../protocol/replication';
import { EVERYONE } from './scope';

export interface StreamClient {
  facilityId: string;
  send(event: StreamEvent): void;
  close(): void;
}

export type ChangeNotice =
  | { c: ReplicatedCollection; s: number; f: string[] | typeof EVERYONE }
  | { revoked: string }
  | { deviceRevoked: string };

export class StreamHub {
  private readonly clients = new Set<StreamClient>();

  add(client: StreamClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  get size(): number {
    return this.clients.size;
  }

  /** Raw NOTIFY payload from the changes channel. */
  dispatch(payload: string): void {
    let notice: ChangeNotice;
    try {
      notice = JSON.parse(payload) as ChangeNotice;
    } catch {
      return;
    }
    if ('revoked' in notice) {
      for (const client of [...this.clients]) if (client.facilityId === notice.revoked) client.close();
      return;
    }
    if ('deviceRevoked' in notice) return;
    const everyone = notice.f === EVERYONE;
    const facilities = new Set(everyone ? [] : notice.f);
    for (const client of this.clients) {
      if (everyone || facilities.has(client.facilityId)) client.send({ collection: notice.c, seq: notice.s });
    }
  }

  closeAll(): void {
    for (const client of [...this.clients]) client.close();
  }
}
