/**
 * The headless host: the same app as the Electron window, served to a browser
 * on 127.0.0.1, with the bridge over a WebSocket instead of IPC. Used when the
 * Electron binary is not available and by every browser test.
 */
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import {
  BRIDGE_WS_PATH,
  type BridgePush,
  type BridgeRequest,
  type BridgeResponse,
  type ClinicBridge,
} from '../bridge/contract';
import { createBridgeRouter, toWireError } from '../bridge/router';

export interface HeadlessServerOptions {
  rendererDir: string;
  port: number;
  services: ClinicBridge;
}

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export async function startHeadlessServer(options: HeadlessServerOptions) {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const route = createBridgeRouter(options.services);
  const sockets = new Set<{ send(data: string): void }>();

  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'] });

  app.get(BRIDGE_WS_PATH, { websocket: true }, (socket, request) => {
    // Only pages served by this host may drive it: another site open in the same
    // browser could otherwise reach a bridge on a well-known localhost port.
    const expected = `http://${request.headers.host}`;
    if (request.headers.origin !== expected) {
      socket.close(4403, 'origin not allowed');
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', async (raw: Buffer) => {
      let request: BridgeRequest;
      try {
        request = JSON.parse(raw.toString('utf8')) as BridgeRequest;
        if (typeof request.id !== 'number') throw new Error('missing id');
      } catch {
        socket.send(
          JSON.stringify({
            id: -1,
            ok: false,
            error: { code: 'bad-request', message: 'not a bridge request' },
          }),
        );
        return;
      }
      let response: BridgeResponse;
      try {
        response = { id: request.id, ok: true, result: await route(request.method, request.args) };
      } catch (error) {
        response = { id: request.id, ok: false, error: toWireError(error) };
      }
      socket.send(JSON.stringify(response));
    });
  });

  // Client-side routes fall back to the app shell.
  app.setNotFoundHandler((_request, reply) => reply.sendFile('index.html'));

  const address = await app.listen({ host: '127.0.0.1', port: options.port });
  return {
    url: address.replace('[::1]', '127.0.0.1'),
    push(push: BridgePush) {
      const text = JSON.stringify(push);
      for (const socket of sockets) socket.send(text);
    },
    close: () => app.close(),
  };
}
