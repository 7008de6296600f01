/**
 * A referral's files from the village to the township, all real: each
 * clinic's store (RxDB over fake-indexeddb) with its replication, the county
 * gateway on PGlite, the uploader on the sending side and the downloader on
 * the receiving side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReferralDoc } from '../../sync/protocol/schema';
import { startGateway, type TestGateway } from '../../sync/server/testing/start-gateway';
import type { Session } from '../auth/session';
import { attachFile, FILE_ATTACHMENT_ID } from '../referrals/form/attachment-store';
import type { ClinicDatabase } from '../store/database';
import { CountyApi } from '../sync/county-api';
import { type CountySync, type SyncStatus, startCountySync } from '../sync/replication';
import type { SyncSnapshot } from '../sync/sync-store';
import { openMemoryClinic } from '../testing/memory-store';
import { AttachmentUnavailable, openAttachment } from './downloader';
import { type AttachmentUploader, startAttachmentUploader, uploadRecord, waitingUploads } from './uploader';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function quietStatus(): SyncStatus {
  let snapshot = { pulled: 0, waiting: {} } as unknown as SyncSnapshot;
  return {
    get: () => snapshot,
    set: (patch) => {
      snapshot = { ...snapshot, ...patch };
    },
  };
}

interface Clinic {
  db: ClinicDatabase;
  api: CountyApi;
  session: Session;
  sync: CountySync;
  status: SyncStatus;
}

/** An enrolled workstation of this facility with its store and live replication. */
async function clinicOf(county: TestGateway, code: string, fetcher?: typeof fetch): Promise<Clinic> {
  const enrolled = await county.clinic(code, `doctor-${code}`);
  const { db } = await openMemoryClinic();
  const api = new CountyApi({
    baseUrl: county.url,
    credential: { deviceId: enrolled.deviceId, deviceSecret: enrolled.deviceSecret },
    userId: enrolled.userId,
    ...(fetcher ? { fetch: fetcher } : {}),
  });
  const status = quietStatus();
  const sync = startCountySync(db, api, enrolled.facilityId, status);
  cleanup.push(async () => {
    await sync.stop();
    await db.close();
  });
  const session: Session = {
    userId: enrolled.userId,
    userName: enrolled.userId,
    roles: ['doctor'],
    facilityId: enrolled.facilityId,
    facilityName: code,
  };
  return { db, api, session, sync, status };
}

const townshipId = (county: TestGateway) => (county.facilities['XY-T01'] as { id: string }).id;

function uploader(clinic: Clinic, delayMs?: (failures: number) => number): AttachmentUploader {
  const running = startAttachmentUploader(clinic.db, clinic.api, clinic.session.facilityId, delayMs);
  cleanup.push(() => running.stop());
  return running;
}

async function eventually<T>(probe: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function draftReferral(from: Clinic, targetFacilityId: string): Promise<ReferralDoc> {
  const now = new Date().toISOString();
  const referral: ReferralDoc = {
    id: crypto.randomUUID(),
    facilityId: from.session.facilityId,
    createdAt: now,
    updatedAt: now,
    createdBy: from.session.userId,
    updatedBy: from.session.userId,
    serialNo: 'XY-V01-000001',
    patientId: crypto.randomUUID(),
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds: [targetFacilityId],
    state: 'draft',
    reason: '血压控制不佳',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    attachmentIds: [],
    appliedSeq: 0,
  };
  await from.db.referrals.insert(referral);
  return referral;
}

/** A small PDF-like file (the form keeps PDFs as they are: no canvas needed in Node). */
function pdfFile(name: string, size: number): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + 3) % 256;
  bytes.set(new TextEncoder().encode('%PDF-1.4\n'), 0);
  return new File([bytes], name, { type: 'application/pdf' });
}

describe('attachment bytes between clinics through the county', () => {
  it('uploads the sender’s file after its record, and the receiver downloads, checks and keeps it', {
    timeout: 90_000,
  }, async () => {
    const county = await startGateway();
    cleanup.push(() => county.close());
    // One file's upload keeps failing, so the receiver meets a file that has not arrived.
    const held = new Set<string>();
    const holding: typeof fetch = async (input, init) => {
      if (init?.method === 'PUT' && [...held].some((id) => String(input).includes(id)))
        throw new TypeError('link down');
      return fetch(input, init);
    };
    const village = await clinicOf(county, 'XY-V01', holding);
    const referral = await draftReferral(village, townshipId(county));
    const file = pdfFile('化验单.pdf', 200 * 1024);
    const attach = (source: File) =>
      attachFile(village.db, village.session, {
        referralId: referral.id,
        kind: 'lab-report',
        file: source,
        stored: { count: 0, bytes: 0 },
      });
    const sent = await attach(file);
    const late = await attach(pdfFile('心电图.pdf', 1000));
    held.add(late.id);
    await village.sync.awaitInSync();

    // The county's stamp comes back by pull: the sender's bytes stay.
    await eventually(
      async () => (await village.db.attachments.findOne(sent.id).exec())?.countySeq,
      'the county stamp on the sender',
    );
    await village.sync.awaitInSync();
    expect(village.status.get().waiting).toMatchObject({ attachments: 0, referrals: 0 });
    expect(await waitingUploads(village.db, village.session.facilityId)).toHaveLength(2);
    uploader(village, () => 50);
    await eventually(async () => (await uploadRecord(village.db, sent.id))?.state, 'the upload');
    expect(await uploadRecord(village.db, sent.id)).toMatchObject({ state: 'uploaded', digest: sent.digest });
    expect(await uploadRecord(village.db, late.id)).toBeNull();
    const senderCopy = await village.db.attachments.findOne(sent.id).exec();
    expect((await senderCopy?.getAttachment(FILE_ATTACHMENT_ID)?.getData())?.size).toBe(file.size);
    // The free RxDB build opens 16 collections per process: the village closes before the township opens.
    for (const step of cleanup.splice(1).reverse()) await step();

    const township = await clinicOf(county, 'XY-T01');
    const arrived = await eventually(async () => {
      const docs = await township.db.attachments.find().exec();
      return docs.length === 2 ? docs : null;
    }, 'both attachment records at the township');
    expect(arrived.every((doc) => doc.getAttachment(FILE_ATTACHMENT_ID) === null)).toBe(true);

    await expect(openAttachment(township.db, township.api, late.id)).rejects.toBeInstanceOf(
      AttachmentUnavailable,
    );
    await expect(openAttachment(township.db, township.api, late.id)).rejects.toMatchObject({
      problem: 'not-arrived',
    });
    const opened = await openAttachment(township.db, township.api, sent.id);
    expect(new Uint8Array(await opened.arrayBuffer())).toEqual(new Uint8Array(await file.arrayBuffer()));
    // Kept: the next opening needs no link, and the receiver sends nothing back for it.
    const offline = await openAttachment(township.db, undefined, sent.id);
    expect(offline.size).toBe(file.size);
    await township.sync.awaitInSync();
    expect(township.status.get().lastError).toBeUndefined();
    // Keeping the bytes changed no field the county holds: the record does not wait to be sent.
    expect(township.status.get().waiting).toMatchObject({ attachments: 0 });
  });

  it('retries with back-off while the county cannot be reached, one file at a time', {
    timeout: 60_000,
  }, async () => {
    const county = await startGateway();
    cleanup.push(() => county.close());
    let refusePuts = 2;
    let inFlight = 0;
    let mostInFlight = 0;
    const flaky: typeof fetch = async (input, init) => {
      if (init?.method !== 'PUT') return fetch(input, init);
      if (refusePuts > 0) {
        refusePuts--;
        throw new TypeError('network down');
      }
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const village = await clinicOf(county, 'XY-V01', flaky);
    const referral = await draftReferral(village, townshipId(county));
    const ids: string[] = [];
    for (const name of ['同意书.pdf', '病历.pdf', '检查报告.pdf']) {
      const doc = await attachFile(village.db, village.session, {
        referralId: referral.id,
        kind: 'record',
        file: pdfFile(name, 50 * 1024),
        stored: { count: ids.length, bytes: 0 },
      });
      ids.push(doc.id);
    }
    await village.sync.awaitInSync();
    const delays: number[] = [];
    uploader(village, (failures) => {
      delays.push(failures);
      return 20 * failures;
    });
    for (const id of ids) {
      await eventually(
        async () => (await uploadRecord(village.db, id))?.state === 'uploaded',
        `upload ${id}`,
      );
    }
    expect(delays).toEqual([1, 2]);
    expect(mostInFlight).toBe(1);
    const { rows } = await county.db.query('SELECT id FROM attachment_content');
    expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
  });

  it('records a file the county refuses for good instead of sending it again', {
    timeout: 60_000,
  }, async () => {
    const county = await startGateway();
    cleanup.push(() => county.close());
    const village = await clinicOf(county, 'XY-V01');
    const referral = await draftReferral(village, townshipId(county));
    const doc = await attachFile(village.db, village.session, {
      referralId: referral.id,
      kind: 'record',
      file: pdfFile('病历.pdf', 4096),
      stored: { count: 0, bytes: 0 },
    });
    // The stored bytes no longer match the record (a damaged disk, an edited file).
    const stored = await village.db.attachments.findOne(doc.id).exec();
    await stored?.putAttachment({
      id: FILE_ATTACHMENT_ID,
      data: new Blob([pdfFile('x.pdf', 4096).slice(0, 4000)], { type: 'application/pdf' }),
      type: 'application/pdf',
    });
    await village.sync.awaitInSync();
    const running = uploader(village);
    const record = await eventually(() => uploadRecord(village.db, doc.id), 'the refusal');
    expect(record).toMatchObject({ state: 'refused', code: 'attachment-digest-mismatch' });
    await running.idle();
    expect(await waitingUploads(village.db, village.session.facilityId)).toHaveLength(0);
  });
});
