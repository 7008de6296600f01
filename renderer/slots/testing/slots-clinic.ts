/**
 * Starts slots-clinic-worker.ts in a worker thread and calls it like an
 * object (the same pattern as renderer/testing/clinic-in-worker.ts, whose
 * launcher is tied to its own worker file).
 */
import { Worker } from 'node:worker_threads';
import type { SlotsClinicCalls } from './slots-clinic-worker';

export type SlotsClinic = {
  [K in keyof SlotsClinicCalls]: (
    ...args: Parameters<SlotsClinicCalls[K]>
  ) => ReturnType<SlotsClinicCalls[K]>;
} & { terminate(): Promise<void> };

export function slotsClinicInWorker(): SlotsClinic {
  let next = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const entry = new URL('./slots-clinic-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true },
  );
  worker.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) call?.resolve(message.result);
    else call?.reject(new Error(message.error));
  });
  const failAll = (error: Error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', () => failAll(new Error('the clinic worker exited')));
  const invoke = (call: string, args: unknown) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, call, args });
    });
  return new Proxy({} as SlotsClinic, {
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
