/**
 * The only code with both a window and IPC. It exposes two functions and
 * nothing else: no ipcRenderer, no Node. Bundled to CommonJS because sandboxed
 * preloads cannot load ES modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_EVENT_CHANNEL, BRIDGE_INVOKE_CHANNEL, type BridgeEvent } from '../bridge/contract';

contextBridge.exposeInMainWorld('xiangyiBridge', {
  invoke: (method: string, args: unknown[]) => ipcRenderer.invoke(BRIDGE_INVOKE_CHANNEL, { method, args }),
  onEvent: (listener: (event: BridgeEvent) => void) => {
    const wrapped = (_: unknown, event: BridgeEvent) => listener(event);
    ipcRenderer.on(BRIDGE_EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.off(BRIDGE_EVENT_CHANNEL, wrapped);
  },
});
