/** A clinic in a worker thread with the slot calls beside the shared ones (see slots-calls.ts). */
import { type ClinicHandle, clinicInWorker } from '../../testing/clinic-in-worker';
import type { extraCalls } from './slots-calls';

export type SlotsClinic = ClinicHandle<ReturnType<typeof extraCalls>>;

export function slotsClinicInWorker(): SlotsClinic {
  return clinicInWorker<ReturnType<typeof extraCalls>>(new URL('./slots-calls.ts', import.meta.url));
}
