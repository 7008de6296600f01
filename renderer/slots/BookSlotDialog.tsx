/** Books one slot for a patient: a quota slot at once (offline), an online slot through the county. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SlotDoc } from '../../sync/protocol/schema';
import { type OpenSlot, SLOT_PURPOSES, type SlotPurpose } from '../../sync/protocol/slots';
import { useSignedIn } from '../app/app-store';
import { Field } from '../app/Field';
import { NoteField, PatientField } from './BookingFields';
import { BookingRefused, bookOnlineSlot, bookQuotaSlot } from './booking';
import { reachCounty } from './overnight-scheduler';
import type { Directory } from './use-directory';

export type BookingTarget = { mode: 'quota'; slot: SlotDoc } | { mode: 'online'; slot: OpenSlot };

export function describeSlot(
  t: (key: string, options?: Record<string, unknown>) => string,
  directory: Directory,
  slot: {
    hospitalId: string;
    departmentId: string;
    date: string;
    period: SlotDoc['period'];
    startTime?: string;
    doctorId?: string;
  },
): string {
  return t('slots.book.slot', {
    hospital: directory.facility(slot.hospitalId),
    department: directory.department(slot.hospitalId, slot.departmentId),
    date: slot.date,
    time: slot.startTime ?? t(`slots.period.${slot.period}`),
    doctor: directory.person(slot.doctorId),
  });
}

export function BookSlotDialog(props: {
  target: BookingTarget;
  directory: Directory;
  onClose(message?: { text: string; tone: 'ok' | 'warn' }): void;
}) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [patientId, setPatientId] = useState<string>();
  const [purpose, setPurpose] = useState<SlotPurpose>('referral');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const { target } = props;
  const where =
    target.mode === 'quota'
      ? describeSlot(t, props.directory, { ...target.slot, hospitalId: target.slot.facilityId })
      : describeSlot(t, props.directory, target.slot);

  async function book() {
    if (!patientId) return setError(t('slots.book.needsPatient'));
    setBusy(true);
    setError(undefined);
    try {
      const input = { patientId, purpose, ...(note.trim() ? { note } : {}) };
      if (target.mode === 'quota') {
        await bookQuotaSlot(db, session, { ...input, slotId: target.slot.id });
        return props.onClose({ text: t('slots.book.confirmedQuota'), tone: 'ok' });
      }
      const outcome = await bookOnlineSlot(db, session, await reachCounty(session.userId), {
        ...input,
        slot: target.slot,
      });
      if (outcome.state === 'confirmed') props.onClose({ text: t('slots.book.confirmedOnline'), tone: 'ok' });
      else if (outcome.state === 'waiting')
        props.onClose({ text: t('slots.book.waitingOffline'), tone: 'warn' });
      else
        props.onClose({
          text: t('slots.book.refused', {
            reason: t(`slots.refusal.${outcome.code}`, { defaultValue: outcome.message }),
          }),
          tone: 'warn',
        });
    } catch (caught) {
      setError(
        caught instanceof BookingRefused
          ? t(`slots.refusal.${caught.code}`)
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="book-slot-title">
      <div className="card">
        <h2 id="book-slot-title">
          {t('slots.book.title')} · {t(`slots.mode.${target.mode}`)}
        </h2>
        <p data-testid="book-slot-where">{where}</p>
        <PatientField form="book-slot" patientId={patientId} onPick={setPatientId} />
        <Field id="book-slot-purpose" label={t('slots.book.purpose')}>
          <select
            id="book-slot-purpose"
            value={purpose}
            onChange={(e) => setPurpose(e.target.value as SlotPurpose)}
          >
            {SLOT_PURPOSES.map((p) => (
              <option key={p} value={p}>
                {t(`slots.book.purposes.${p}`)}
              </option>
            ))}
          </select>
        </Field>
        <NoteField form="book-slot" note={note} onChange={setNote} />
        {error ? (
          <p className="warn" role="alert">
            {error}
          </p>
        ) : null}
        <div className="row-inline">
          <button type="button" className="primary" disabled={busy} onClick={() => void book()}>
            {t('slots.book.confirm')}
          </button>
          <button type="button" onClick={() => props.onClose()}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
