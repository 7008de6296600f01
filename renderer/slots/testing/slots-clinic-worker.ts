/**
 * One clinic in its own worker thread for the slot tests (see clinic-worker.ts
 * for why a realm each): enrol, sync, register patients, run the slot pull and
 * book, over postMessage.
 */
import { parentPort } from 'node:worker_threads';
import type { ClinicBridge } from '../../../electron/bridge/contract';
import type { AppointmentDoc } from '../../../sync/protocol/schema';
import type { OpenSlot } from '../../../sync/protocol/slots';
import type { Session } from '../../auth/session';
import { EMPTY_PATIENT_INPUT, type PatientInput } from '../../patients/patient-input';
import { registerPatient } from '../../patients/patient-registry';
import type { ClinicDatabase } from '../../store/database';
import { countyApi, enrolWithCounty, readCountyLink } from '../../sync/county-link';
import { type CountySync, startCountySync } from '../../sync/replication';
import { EMPTY_SYNC, type SyncSnapshot } from '../../sync/sync-store';
import { openMemoryClinic } from '../../testing/memory-store';
import { BookingRefused, bookOnlineSlot, bookQuotaSlot, cancelBooking, openQuotaSlots } from '../booking';
import { runOvernightPull } from '../overnight-pull';
import { slotCounty } from '../slot-county';

let db: ClinicDatabase;
let session: Session;
let sync: CountySync | undefined;
let snapshot: SyncSnapshot = { ...EMPTY_SYNC };
const secrets = new Map<string, string>();
const bridge = {
  secrets: {
    get: async (key: string) => secrets.get(key) ?? null,
    set: async (key: string, value: string) => void secrets.set(key, value),
    delete: async (key: string) => void secrets.delete(key),
  },
} as unknown as ClinicBridge;

function county() {
  if (!sync) throw new Error('start the sync first: the slot calls share its client');
  return slotCounty(sync.api);
}

const calls = {
  async enrol(args: { baseUrl: string; code: string; username: string; roles: Session['roles'] }) {
    ({ db } = await openMemoryClinic());
    const enrolled = await enrolWithCounty(db, bridge, {
      baseUrl: args.baseUrl,
      code: args.code,
      deviceName: `pc-${args.username}`,
      admin: { displayName: args.username, username: args.username, password: 'Clinic-2026!' },
    });
    session = { ...enrolled, roles: args.roles };
    return session;
  },
  async startSync() {
    const link = await readCountyLink(bridge);
    if (!link) throw new Error('not linked to a county');
    sync = startCountySync(db, countyApi(link, session.userId), session.facilityId, {
      get: () => snapshot,
      set: (patch) => {
        snapshot = { ...snapshot, ...patch };
      },
    });
  },
  async settle() {
    for (let round = 0; round < 2; round++) {
      sync?.syncNow();
      await sync?.awaitInSync();
    }
    return snapshot;
  },
  async register(input: Partial<PatientInput>) {
    return registerPatient(db, session, { ...EMPTY_PATIENT_INPUT, ...input });
  },
  async pullSlots(args: { capKbps: number }) {
    return runOvernightPull({
      db,
      county: county(),
      facilityId: session.facilityId,
      userId: session.userId,
      trigger: 'manual',
      capKbps: args.capKbps,
    });
  },
  async openQuota() {
    return openQuotaSlots(db, session.facilityId);
  },
  async slots() {
    return (await db.slots.find().exec()).map((doc) => doc.toJSON());
  },
  /** A booking, or the code it was refused with. */
  async bookQuota(args: { slotId: string; patientId: string }) {
    try {
      return await bookQuotaSlot(db, session, { ...args, purpose: 'referral' });
    } catch (error) {
      if (error instanceof BookingRefused) return { refused: error.code };
      throw error;
    }
  },
  async bookOnline(args: { slot: OpenSlot; patientId: string; offline?: boolean }) {
    return bookOnlineSlot(db, session, args.offline ? null : county(), {
      slot: args.slot,
      patientId: args.patientId,
      purpose: 'referral',
    });
  },
  async poolOpen(args: { hospitalId: string }) {
    return county().poolOpen(args);
  },
  async cancel(args: { id: string }) {
    return cancelBooking(db, session, null, args.id);
  },
  async appointments(): Promise<AppointmentDoc[]> {
    return (await db.appointments.find().exec()).map((doc) => doc.toJSON() as AppointmentDoc);
  },
  async close() {
    await sync?.stop();
    await db?.close();
  },
};

export type SlotsClinicCalls = typeof calls;

parentPort?.on('message', async (message: { id: number; call: keyof SlotsClinicCalls; args: unknown }) => {
  try {
    const result = await (calls[message.call] as (args: unknown) => Promise<unknown>)(message.args);
    parentPort?.postMessage({
      id: message.id,
      ok: true,
      result: result === undefined ? undefined : JSON.parse(JSON.stringify(result)),
    });
  } catch (error) {
    parentPort?.postMessage({
      id: message.id,
      ok: false,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
});
