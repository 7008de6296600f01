import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_INVOKE_CHANNEL } from '../bridge/contract';
import { type InvokeEvent, type IpcMainLike, registerBridgeIpc } from './ipc';

function fakeIpcMain() {
  const handlers = new Map<string, (event: InvokeEvent, request: unknown) => Promise<unknown>>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => handlers.set(channel, listener) };
  return {
    ipcMain,
    invoke: (event: InvokeEvent, request: unknown) => handlers.get(BRIDGE_INVOKE_CHANNEL)?.(event, request),
  };
}

const appFrame = { senderFrame: { url: 'app://clinic/index.html', parent: null } };

describe('the IPC transport', () => {
  it('passes calls from the app page to the router and wraps the result', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    const route = vi.fn(async () => ({ version: '1' }));
    registerBridgeIpc(ipcMain, route);
    expect(await invoke(appFrame, { method: 'app.info', args: [] })).toEqual({
      ok: true,
      result: { version: '1' },
    });
    expect(route).toHaveBeenCalledWith('app.info', []);
  });

  it.each([
    ['a remote page', { senderFrame: { url: 'https://example.org/', parent: null } }],
    ['a sub-frame of the app', { senderFrame: { url: 'app://clinic/index.html', parent: {} } }],
    ['a file URL', { senderFrame: { url: 'file:///etc/passwd', parent: null } }],
    ['a destroyed frame', { senderFrame: null }],
  ])('refuses calls from %s without routing them', async (_case, event) => {
    const { ipcMain, invoke } = fakeIpcMain();
    const route = vi.fn();
    registerBridgeIpc(ipcMain, route);
    expect(await invoke(event, { method: 'app.info', args: [] })).toMatchObject({
      ok: false,
      error: { code: 'untrusted-sender' },
    });
    expect(route).not.toHaveBeenCalled();
  });

  it('turns a service failure into a wire error without a stack', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    registerBridgeIpc(ipcMain, async () => {
      throw new Error('disk full');
    });
    expect(await invoke(appFrame, { method: 'files.saveExport', args: [] })).toEqual({
      ok: false,
      error: { code: 'failed', message: 'disk full' },
    });
  });
});
