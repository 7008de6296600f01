/**
 * The slot tests' own calls, loaded into the shared clinic worker (see
 * renderer/testing/clinic-worker.ts): run the slot pull, book, cancel, read
 * back, beside its enrol, sync and register.
 */
import type { AppointmentDoc } from '../../../sync/protocol/schema';
import type { OpenSlot } from '../../../sync/protocol/slots';
import type { WorkerClinic } from '../../testing/clinic-worker';
import { BookingRefused, bookOnlineSlot, bookQuotaSlot, cancelBooking, openQuotaSlots } from '../booking';
import { runOvernightPull } from '../overnight-pull';
import { slotCounty } from '../slot-county';

export function extraCalls(clinic: WorkerClinic) {
  const county = () => {
    if (!clinic.sync) throw new Error('start the sync first: the slot calls share its client');
    return slotCounty(clinic.sync.api);
  };
  return {
    async pullSlots(args: { capKbps: number }) {
      return runOvernightPull({
        db: clinic.db,
        county: county(),
        facilityId: clinic.session.facilityId,
        userId: clinic.session.userId,
        trigger: 'manual',
        capKbps: args.capKbps,
      });
    },
    async openQuota() {
      return openQuotaSlots(clinic.db, clinic.session.facilityId);
    },
    async slots() {
      return (await clinic.db.slots.find().exec()).map((doc) => doc.toJSON());
    },
    /** A booking, or the code it was refused with. */
    async bookQuota(args: { slotId: string; patientId: string }) {
      try {
        return await bookQuotaSlot(clinic.db, clinic.session, { ...args, purpose: 'referral' });
      } catch (error) {
        if (error instanceof BookingRefused) return { refused: error.code };
        throw error;
      }
    },
    async bookOnline(args: { slot: OpenSlot; patientId: string; offline?: boolean }) {
      return bookOnlineSlot(clinic.db, clinic.session, args.offline ? null : county(), {
        slot: args.slot,
        patientId: args.patientId,
        purpose: 'referral',
      });
    },
    async poolOpen(args: { hospitalId: string }) {
      return county().poolOpen(args);
    },
    async cancel(args: { id: string }) {
      return cancelBooking(clinic.db, clinic.session, null, args.id);
    },
    async appointments(): Promise<AppointmentDoc[]> {
      return (await clinic.db.appointments.find().exec()).map((doc) => doc.toJSON() as AppointmentDoc);
    },
  };
}
