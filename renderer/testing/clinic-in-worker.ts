/** Starts a clinic in a worker thread (see clinic-worker.ts) and calls it like an object. */
import { Worker } from 'node:worker_threads';
import type { ClinicCalls } from './clinic-worker';

type CallTable = Record<string, (args: never) => Promise<unknown>>;

export type ClinicHandle<Extra extends CallTable = Record<never, never>> = {
  [K in keyof (ClinicCalls & Extra)]: (
    ...args: Parameters<(ClinicCalls & Extra)[K]>
  ) => ReturnType<(ClinicCalls & Extra)[K]>;
} & { terminate(): Promise<void> };

/**
 * `extraCalls`: a module exporting `extraCalls` (see clinic-worker.ts), for a
 * feature's tests that need calls of their own beside the shared ones.
 */
export function clinicInWorker<Extra extends CallTable = Record<never, never>>(
  extraCalls?: URL,
): ClinicHandle<Extra> {
  let next = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  // Loader hooks are per thread: the worker registers tsx itself before importing the TypeScript module.
  const entry = new URL('./clinic-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true, workerData: { extraCalls: extraCalls?.href } },
  );
  let exited = false;
  worker.on('exit', () => {
    exited = true;
    for (const call of pending.values()) call.reject(new Error('the clinic worker exited'));
    pending.clear();
  });
  worker.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) call?.resolve(message.result);
    else call?.reject(new Error(message.error));
  });
  worker.on('error', (error) => {
    for (const call of pending.values()) call.reject(error);
  });
  const invoke = (call: string, args: unknown) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('the clinic worker has exited'));
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, call, args });
    });
  return new Proxy({} as ClinicHandle<Extra>, {
    // Not a thenable: `await handle` must not turn into a call named "then".
    get: (_target, name: string) =>
      name === 'then'
        ? undefined
        : name === 'terminate'
          ? async () => {
              await invoke('close', undefined).catch(() => undefined);
              await worker.terminate();
            }
          : (args: unknown) => invoke(name, args),
  });
}
