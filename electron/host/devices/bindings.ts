/**
 * Which device sits on which port at this workstation: configured once in the device settings and
 * remembered in a small JSON file in the host's data folder, written atomically so a crash mid-save
 * leaves the previous file rather than half of one.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { DeviceBinding } from '../../bridge/contract';
import { writeFileAtomic } from '../secrets';

const bindingSchema = z.object({
  id: z.string().min(1).max(40),
  driver: z.string().min(1).max(60),
  port: z.string().min(1).max(260),
  settings: z
    .object({
      baudRate: z.number().int().optional(),
      parity: z.enum(['none', 'even', 'odd']).optional(),
    })
    .optional(),
  capture: z.boolean().optional(),
});

const fileSchema = z.object({ version: z.literal(1), devices: z.array(bindingSchema) });

export interface BindingStore {
  load(): Promise<DeviceBinding[]>;
  save(bindings: DeviceBinding[]): Promise<void>;
}

/** A missing file is an unconfigured workstation; an unreadable one is reported, never overwritten silently. */
export function fileBindingStore(path: string): BindingStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return fileSchema.parse(JSON.parse(text)).devices as DeviceBinding[];
    },
    async save(bindings) {
      await writeFileAtomic(path, `${JSON.stringify({ version: 1, devices: bindings }, null, 2)}\n`, 0o644);
    },
  };
}

/** For simulators and tests: bindings that live as long as the process. */
export function memoryBindingStore(initial: DeviceBinding[] = []): BindingStore {
  let saved = structuredClone(initial);
  return {
    load: async () => structuredClone(saved),
    save: async (bindings) => {
      saved = structuredClone(bindings);
    },
  };
}
