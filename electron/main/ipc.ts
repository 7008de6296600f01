/**
 * Routes IPC invocations to the bridge router after checking who sent them.
 * Written against a minimal shape of ipcMain so a fake can drive it in tests.
 */
import { BRIDGE_INVOKE_CHANNEL } from '../bridge/contract';
import { type BridgeRouter, toWireError } from '../bridge/router';
import { isTrustedSender } from './hardening';

export interface InvokeEvent {
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, request: unknown) => Promise<unknown>): void;
}

export function registerBridgeIpc(ipcMain: IpcMainLike, route: BridgeRouter): void {
  ipcMain.handle(BRIDGE_INVOKE_CHANNEL, async (event, request) => {
    const frame = event.senderFrame;
    if (!isTrustedSender(frame?.url, frame !== null && frame.parent === null)) {
      return {
        ok: false,
        error: { code: 'untrusted-sender', message: 'bridge calls come only from the app page' },
      };
    }
    const { method, args } = (request ?? {}) as { method?: unknown; args?: unknown };
    try {
      return { ok: true, result: await route(String(method), args) };
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  });
}
