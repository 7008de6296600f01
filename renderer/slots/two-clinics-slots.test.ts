/**
 * Two clinics book from their own quotas offline for a week, then sync: all
 * real (each clinic's store and replication in a worker, the gateway on
 * PGlite with the demo county's week of slots, the weak-link proxy between).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppointmentDoc, SlotDoc } from '../../sync/protocol/schema';
import { setDoctorSuspended } from '../../sync/server/slots/base-info';
import { publishDemoSlots } from '../../sync/server/slots/demo';
import { startGateway } from '../../sync/server/testing/start-gateway';
import { startWeakLink } from '../../sync/testing/weak-link';
import { type SlotsClinic, slotsClinicInWorker } from './testing/slots-clinic';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function clinic(): SlotsClinic {
  const handle = slotsClinicInWorker();
  cleanup.push(() => handle.terminate());
  return handle;
}

const HOLDING = ['waiting', 'confirmed', 'attended'];
const NAMES = [
  ['张秀英', '李四', '王芳', '赵强', '陈静', '刘洋'],
  ['周敏', '吴刚', '郑丽', '孙伟', '马兰', '胡军'],
];
const PATIENTS = 6;

describe('two clinics booking their quota slots offline', () => {
  it('never double-book; the county sees every booking exactly once; a suspension asks for rebooking', async () => {
    const gateway = await startGateway();
    cleanup.push(() => gateway.close());
    const published = await publishDemoSlots(gateway.gateway.app.slots, gateway.db);
    expect(published).toBeGreaterThan(300);
    const link = await startWeakLink({
      target: { host: '127.0.0.1', port: Number(new URL(gateway.url).port) },
    });
    cleanup.push(() => link.close());

    const village = clinic();
    const township = clinic();
    const sessions = await Promise.all([
      village.enrol({
        baseUrl: link.url(),
        code: await gateway.issueCode('XY-V01'),
        username: 'village.doctor',
        roles: ['admin', 'doctor'],
      }),
      township.enrol({
        baseUrl: link.url(),
        code: await gateway.issueCode('XY-T01'),
        username: 'township.doctor',
        roles: ['admin', 'doctor'],
      }),
    ]);
    const clinics = [village, township] as const;
    const patientsOf: string[][] = [[], []];
    for (const [i, side] of clinics.entries()) {
      await side.startSync();
      for (let n = 0; n < PATIENTS; n++) {
        const patient = await side.register({
          name: NAMES[i]?.[n] as string,
          sex: n % 2 ? 'male' : 'female',
          birthDate: `1960-05-0${n + 1}`,
        });
        patientsOf[i]?.push(patient.id);
      }
      await side.settle();
    }

    // The slot pull brings each clinic its own quota and nothing of the other's.
    const quotas: SlotDoc[][] = [];
    for (const [i, side] of clinics.entries()) {
      const report = await side.pullSlots({ capKbps: 10_000 });
      expect(report).toMatchObject({ outcome: 'complete', failures: [], poolSummary: 'refreshed' });
      const slots = (await side.slots()) as SlotDoc[];
      const quota = slots.filter((s) => s.mode === 'quota');
      expect(quota.length).toBeGreaterThanOrEqual(7);
      expect(quota.every((s) => s.allocatedTo === sessions[i]?.facilityId)).toBe(true);
      expect(report.arrived.reduce((sum, g) => sum + g.count, 0)).toBe(slots.length);
      quotas.push(await side.openQuota());
    }
    const days = new Set(quotas.flat().map((s) => s.date));
    expect(days.size).toBe(7);

    // The link goes down for the week's bookings.
    link.setDown(true);
    const booked: AppointmentDoc[][] = [[], []];
    for (const [i, side] of clinics.entries()) {
      const mine = quotas[i] as SlotDoc[];
      const patients = patientsOf[i] as string[];
      for (const [n, slot] of mine.entries()) {
        if (n % 3 === 2) continue; // leave some open
        const result = (await side.bookQuota({
          slotId: slot.id,
          patientId: patients[n % PATIENTS] as string,
        })) as AppointmentDoc | { refused: string };
        expect(result).toMatchObject({ status: 'confirmed' });
        booked[i]?.push(result as AppointmentDoc);
        // A second booking of the same slot is refused at once.
        expect(
          await side.bookQuota({ slotId: slot.id, patientId: patients[(n + 1) % PATIENTS] as string }),
        ).toEqual({
          refused: 'slot-taken',
        });
      }
      // The other clinic's quota slot is not even known here.
      const foreign = (quotas[1 - i] as SlotDoc[])[0] as SlotDoc;
      expect(await side.bookQuota({ slotId: foreign.id, patientId: patients[0] as string })).toEqual({
        refused: 'slot-unknown',
      });
      // A patient changes plans: cancelled, and the slot booked again for someone else.
      const changed = booked[i]?.[1] as AppointmentDoc;
      await side.cancel({ id: changed.id });
      const rebooked = (await side.bookQuota({
        slotId: changed.slotId as string,
        patientId: patients[2] as string,
      })) as AppointmentDoc;
      expect(rebooked.id).not.toBe(changed.id);
      booked[i]?.push(rebooked);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    link.setDown(false);
    for (let round = 0; round < 2; round++) await Promise.all(clinics.map((side) => side.settle()));

    // The county: every booking exactly once, every booked slot held by exactly one standing booking.
    const { rows: stored } = await gateway.db.query<{ id: string; owner: string; data: AppointmentDoc }>(
      `SELECT id, owner, data FROM documents WHERE collection = 'appointments'`,
    );
    const all = booked.flat();
    expect(stored.map((row) => row.id).sort()).toEqual(all.map((a) => a.id).sort());
    expect(new Set(stored.map((row) => row.id)).size).toBe(stored.length);
    expect(stored.filter((row) => row.data.status === 'needs-rebooking')).toEqual([]);
    const standing = stored.filter((row) => HOLDING.includes(row.data.status));
    expect(new Set(standing.map((row) => row.data.slotId)).size).toBe(standing.length);
    const { rows: slots } = await gateway.db.query<{
      id: string;
      state: string;
      appointment_id: string | null;
      allocated_to: string;
    }>(`SELECT id, state, appointment_id, allocated_to FROM slots WHERE mode = 'quota' AND state = 'booked'`);
    expect(slots.map((s) => [s.id, s.appointment_id]).sort()).toEqual(
      standing.map((row) => [row.data.slotId, row.id]).sort(),
    );
    for (const row of standing)
      expect(slots.find((s) => s.id === row.data.slotId)?.allocated_to).toBe(row.owner);
    for (const [i, side] of clinics.entries()) {
      const local = await side.appointments();
      expect(local.every((a) => (a.countySeq ?? 0) > 0)).toBe(true);
      expect(local.filter((a) => a.status === 'confirmed')).toHaveLength(
        standing.filter((row) => row.owner === sessions[i]?.facilityId).length,
      );
    }

    // The hospital stops a doctor (停诊) whose slot the village booked: the next pull asks for rebooking.
    const victim = booked[0]?.find((a) => a.status === 'confirmed' && a.doctorId) as AppointmentDoc;
    await setDoctorSuspended(
      gateway.db,
      { doctorId: victim.doctorId as string, suspended: true, from: victim.scheduledAt.slice(0, 10) },
      { userId: 'county-admin', facilityId: null, deviceId: null },
    );
    const report = await village.pullSlots({ capKbps: 10_000 });
    expect(report.outcome).toBe('complete');
    expect(report.changed.some((c) => c.slotId === victim.slotId && c.toState === 'suspended')).toBe(true);
    expect(report.needsRebooking).toContain(victim.id);
    const after = (await village.appointments()).find((a) => a.id === victim.id);
    expect(after).toMatchObject({ status: 'needs-rebooking', slotRefusal: { code: 'slot-suspended' } });
    // The township's bookings with other doctors stand.
    expect((await township.appointments()).some((a) => a.status === 'confirmed')).toBe(true);
  }, 240_000);
});
