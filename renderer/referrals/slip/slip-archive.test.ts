/**
 * The slip's archive copy in the clinic's real store (RxDB over
 * fake-indexeddb): one copy per slip content, a new one when the slip reads
 * differently, newest first, and refusals that lose nothing.
 */
import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../electron/host/secrets';
import { createSlipKeys } from '../../../electron/host/slip-keys';
import { ATTACHMENT_MAX_BYTES } from '../../../sync/protocol/attachments';
import { enrolledClinic } from '../../testing/test-clinic';
import { FILE_ATTACHMENT_ID } from '../form/attachment-store';
import {
  archivedBytes,
  archiveSlip,
  base64FromBytes,
  bytesFromBase64,
  isArchiveOf,
  SlipArchiveTooLarge,
  slipArchiveDigest,
  slipArchiveId,
  slipArchives,
} from './slip-archive';
import { issueSlip } from './slip-issue';
import type { SlipFacts } from './slip-model';
import { sampleFacts, zhSlipLabels } from './slip-testing';

function memorySecrets(): SecretStore {
  const values = new Map<string, string>();
  return {
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => void values.set(key, value),
    delete: async (key) => void values.delete(key),
  };
}

const keys = createSlipKeys(memorySecrets());
const slipOf = async (facts: SlipFacts) => issueSlip(keys, facts, await zhSlipLabels());

/** Stands in for the host's PDF: bytes that differ with every issue, as real PDFs do. */
function fakePdf(size = 2048) {
  let calls = 0;
  const render = async () => {
    calls++;
    const bytes = new Uint8Array(size);
    bytes.set(new TextEncoder().encode(`%PDF-1.7 ${crypto.randomUUID()}`));
    return bytes;
  };
  return { render, calls: () => calls };
}

describe('which slips are the same slip', () => {
  it('ignores when it was issued and the signature, not what it says', async () => {
    const first = await slipOf(sampleFacts({ issuedAt: new Date(2026, 10, 22, 10, 15) }));
    const later = await slipOf(sampleFacts({ issuedAt: new Date(2026, 10, 23, 16, 40) }));
    expect(later.code).not.toBe(first.code);
    expect(slipArchiveDigest(later)).toBe(slipArchiveDigest(first));

    const base = sampleFacts();
    const changed: Array<[string, SlipFacts]> = [
      ['confirmed by the county', sampleFacts({ confirmed: true })],
      ['another slot', sampleFacts({ slotTime: '2026-11-25 14:00' })],
      ['the slot still waiting for the county', sampleFacts({ slotPending: true })],
      ['a doctor named', sampleFacts({ doctor: '韦志强' })],
      [
        'a diagnosis renamed',
        sampleFacts({
          referral: {
            ...base.referral,
            diagnoses: [{ code: 'I10', name: '高血压病' }, ...base.referral.diagnoses.slice(1)],
          },
        }),
      ],
      [
        'the reason edited',
        sampleFacts({ referral: { ...base.referral, reason: `${base.referral.reason}伴头晕。` } }),
      ],
      [
        'a long target name past the QR cut',
        sampleFacts({ target: { code: '450881001', name: `${'桂'.repeat(20)}人民医院分院` } }),
      ],
    ];
    for (const [what, facts] of changed)
      expect(slipArchiveDigest(await slipOf(facts)), what).not.toBe(slipArchiveDigest(first));
  });

  it('names the archive by the digest and the key, within the 40 characters of an id', () => {
    const digest = 'ab'.repeat(32);
    const id = slipArchiveId(digest, '0123456789ab');
    expect(id).toBe(`slip-${'ab'.repeat(10)}-0123456789ab`);
    expect(id.length).toBeLessThanOrEqual(40);
    expect(isArchiveOf(id, digest)).toBe(true);
    expect(isArchiveOf(slipArchiveId(digest, 'ffffffffffff'), digest)).toBe(true);
    expect(isArchiveOf(id, 'cd'.repeat(32))).toBe(false);
  });

  it('carries PDF bytes through base64 unchanged', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
    expect(bytesFromBase64(base64FromBytes(bytes))).toEqual(bytes);
  });
});

describe('keeping the archive copy', () => {
  it('keeps one copy per slip, a new one after a change, newest first; the bytes are the PDF', async () => {
    const { db, as } = await enrolledClinic();
    const doctor = as(['doctor']);
    const pdf = fakePdf();

    const first = await archiveSlip(db, doctor, await slipOf(sampleFacts()), pdf.render);
    expect(first).toMatchObject({
      created: true,
      doc: {
        ownerType: 'referral',
        ownerId: sampleFacts().referral.id,
        kind: 'slip',
        mime: 'application/pdf',
        size: 2048,
        digestAlgorithm: 'sha256',
        facilityId: doctor.facilityId,
        createdBy: doctor.userId,
        fileName: 'referral-slip-450881123-7KQ3-000042-202611221015.pdf',
      },
    });
    const bytes = await archivedBytes(db, first.doc.id);
    expect(new TextDecoder().decode(bytes?.subarray(0, 8))).toBe('%PDF-1.7');
    const hash = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
    expect(first.doc.digest).toBe(Buffer.from(hash).toString('hex'));

    // Printed again a day later, unchanged: no second copy, and no PDF is even made.
    const again = await archiveSlip(
      db,
      doctor,
      await slipOf(sampleFacts({ issuedAt: new Date(2026, 10, 23, 9, 0) })),
      pdf.render,
    );
    expect(again).toEqual({ created: false, doc: expect.objectContaining({ id: first.doc.id }) });
    expect(pdf.calls()).toBe(1);

    // The county confirmed it and the slot is booked: the new slip gets its own copy, shown first.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const confirmed = await archiveSlip(
      db,
      doctor,
      await slipOf(sampleFacts({ confirmed: true, slotTime: '2026-11-25 14:00' })),
      pdf.render,
    );
    expect(confirmed.created).toBe(true);
    expect((await slipArchives(db, sampleFacts().referral.id)).map((d) => d.id)).toEqual([
      confirmed.doc.id,
      first.doc.id,
    ]);
  });

  it('makes one copy when two clicks race', async () => {
    const { db, as } = await enrolledClinic();
    const slip = await slipOf(sampleFacts());
    const pdf = fakePdf();
    const results = await Promise.all([
      archiveSlip(db, as(['doctor']), slip, pdf.render),
      archiveSlip(db, as(['doctor']), slip, pdf.render),
    ]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(await slipArchives(db, slip.facts.referral.id)).toHaveLength(1);
    const doc = await db.attachments.findOne(results[0]?.doc.id).exec();
    expect(doc?.getAttachment(FILE_ATTACHMENT_ID)).not.toBeNull();
  });

  it('refuses a PDF the county would not take, and stores nothing', async () => {
    const { db, as } = await enrolledClinic();
    const slip = await slipOf(sampleFacts());
    await expect(
      archiveSlip(db, as(['doctor']), slip, fakePdf(ATTACHMENT_MAX_BYTES + 1).render),
    ).rejects.toEqual(new SlipArchiveTooLarge(ATTACHMENT_MAX_BYTES + 1));
    expect(await slipArchives(db, slip.facts.referral.id)).toEqual([]);
  });
});
