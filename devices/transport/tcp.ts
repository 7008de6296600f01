import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { TransportBase } from './transport';

/** One TCP connection, e.g. a bedside monitor's HL7 link. */
export class TcpTransport extends TransportBase {
  readonly kind = 'tcp' as const;
  private closing = false;

  constructor(private readonly socket: Socket) {
    super();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) =>
      this.emitData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
    );
    socket.on('error', (error) => this.emitError(error));
    socket.on('close', () => this.emitClose({ unexpected: !this.closing }));
  }

  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  static connect(host: string, port: number): Promise<TcpTransport> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new TcpTransport(socket));
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    return new Promise((resolve, reject) =>
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
  }

  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
      this.socket.destroySoon();
    });
  }
}

/**
 * Monitors usually dial the central station, so the host listens. Each accepted connection
 * becomes its own transport.
 */
export class TcpListener {
  private readonly connections = new Set<TcpTransport>();

  private constructor(private readonly server: Server) {}

  static listen(
    port: number,
    onConnection: (transport: TcpTransport) => void,
    host = '0.0.0.0',
  ): Promise<TcpListener> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      const listener = new TcpListener(server);
      server.on('connection', (socket) => {
        const transport = new TcpTransport(socket);
        listener.connections.add(transport);
        transport.onClose(() => listener.connections.delete(transport));
        onConnection(transport);
      });
      server.once('error', reject);
      server.listen(port, host, () => resolve(listener));
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections].map((connection) => connection.close()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
