/**
 * Gives the renderer a ClinicBridge without telling it which transport is
 * underneath: Electron's preload when present, otherwise a WebSocket to the
 * headless host that served this page.
 */
import {
  BRIDGE_WS_PATH,
  type BridgeEvent,
  type BridgeResponse,
  type ClinicBridge,
} from '../../electron/bridge/contract';

type Invoke = (method: string, args: unknown[]) => Promise<unknown>;

interface PreloadBridge {
  invoke(
    method: string,
    args: unknown[],
  ): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>;
  onEvent(listener: (event: BridgeEvent) => void): () => void;
}

declare global {
  interface Window {
    xiangyiBridge?: PreloadBridge;
  }
}

export class BridgeCallFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeCallFailed';
  }
}

/** Builds the typed object from one generic invoke: method names are `group.name`. */
export function bridgeFromInvoke(invoke: Invoke): ClinicBridge {
  return new Proxy({} as ClinicBridge, {
    get: (_target, group: string) =>
      new Proxy(
        {},
        {
          get:
            (_g, name: string) =>
            (...args: unknown[]) =>
              invoke(`${group}.${name}`, args),
        },
      ),
  });
}

function ipcInvoke(preload: PreloadBridge): Invoke {
  return async (method, args) => {
    const response = await preload.invoke(method, args);
    if (!response.ok)
      throw new BridgeCallFailed(response.error?.code ?? 'failed', response.error?.message ?? method);
    return response.result;
  };
}

function webSocketInvoke(url: string, onEvent: (event: BridgeEvent) => void): Invoke {
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let socket: Promise<WebSocket> | undefined;

  const connect = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () =>
        reject(new BridgeCallFailed('unreachable', `the local host at ${url} did not answer`));
      ws.onclose = () => {
        socket = undefined;
        for (const call of pending.values())
          call.reject(new BridgeCallFailed('disconnected', 'the local host closed the connection'));
        pending.clear();
      };
      ws.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as BridgeResponse | { event: BridgeEvent };
        if ('event' in data) return onEvent(data.event);
        const call = pending.get(data.id);
        if (!call) return;
        pending.delete(data.id);
        if (data.ok) call.resolve(data.result);
        else call.reject(new BridgeCallFailed(data.error.code, data.error.message));
      };
    });

  return async (method, args) => {
    socket ??= connect();
    const ws = await socket;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, args }));
    });
  };
}

const listeners = new Set<(event: BridgeEvent) => void>();
let bridge: ClinicBridge | undefined;

export function connectBridge(): ClinicBridge {
  if (bridge) return bridge;
  const emit = (event: BridgeEvent) => {
    for (const listener of listeners) listener(event);
  };
  if (window.xiangyiBridge) {
    window.xiangyiBridge.onEvent(emit);
    bridge = bridgeFromInvoke(ipcInvoke(window.xiangyiBridge));
  } else {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    bridge = bridgeFromInvoke(webSocketInvoke(`${scheme}://${location.host}${BRIDGE_WS_PATH}`, emit));
  }
  return bridge;
}

export function onBridgeEvent(listener: (event: BridgeEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
