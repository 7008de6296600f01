import { createHash } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTACHMENT_MAX_BYTES, attachmentContentPath } from '../../protocol/attachments';
import type { WireDocument } from '../../protocol/replication';
import type { Role } from '../../protocol/schema/people';
import { BACKENDS, useBackend } from '../testing/backends';
import type { ClinicClient } from '../testing/client';
import { commandDoc, created, patientDoc, referralDoc, userDoc } from '../testing/fixtures';
import { startGateway, type TestGateway } from '../testing/start-gateway';

const AT = '2026-11-22T08:00:00.000Z';

function bytesOf(size: number, seed = 7): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) % 251;
  return bytes;
}

function attachmentDoc(
  by: ClinicClient,
  ownerId: string,
  bytes: Uint8Array,
  overrides: Record<string, unknown> = {},
): WireDocument {
  return {
    id: crypto.randomUUID(),
    facilityId: by.facilityId,
    createdAt: AT,
    updatedAt: AT,
    createdBy: by.userId,
    updatedBy: by.userId,
    ownerType: 'referral',
    ownerId,
    kind: 'consent',
    fileName: '知情同意书.jpg',
    mime: 'image/jpeg',
    size: bytes.length,
    digest: createHash('sha256').update(bytes).digest('hex'),
    digestAlgorithm: 'sha256',
    _deleted: false,
    ...overrides,
  } as WireDocument;
}

describe.each(BACKENDS)('attachment bytes at the gateway on %s', (kind) => {
  const backend = useBackend(kind);
  let county: TestGateway;

  afterEach(async () => {
    await county?.close();
  });

  async function staff(code: string, roles: Role[] = ['doctor']): Promise<ClinicClient> {
    const name = `${code}-${roles.join('-')}`;
    const client = await county.clinic(code, name);
    await client.push('users', created(userDoc(client.facilityId, name, roles)));
    return client;
  }

  function put(by: ClinicClient, id: string, body: Uint8Array, mime = 'image/jpeg'): Promise<Response> {
    return fetch(`${county.url}${attachmentContentPath(id)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${by.token}`, 'content-type': mime },
      body: new Uint8Array(body),
    });
  }

  function get(by: ClinicClient, id: string): Promise<Response> {
    return fetch(`${county.url}${attachmentContentPath(id)}`, {
      headers: { authorization: `Bearer ${by.token}` },
    });
  }

  async function errorOf(response: Response): Promise<string> {
    return ((await response.json()) as { error: string }).error;
  }

  /** A draft referral from V01 to T01 with an attachment of these bytes, both at the county. */
  async function referralWithAttachment(bytes: Uint8Array, overrides: Record<string, unknown> = {}) {
    const doctor = await staff('XY-V01');
    const receiver = await staff('XY-T01');
    const patient = patientDoc(doctor.facilityId);
    await doctor.push('patients', created(patient));
    const referral = referralDoc(doctor.facilityId, patient.id, [receiver.facilityId], { state: 'draft' });
    const attachment = attachmentDoc(doctor, referral.id, bytes, overrides);
    await doctor.push(
      'referrals',
      created({ ...referral, consentAttachmentId: attachment.id } as WireDocument),
    );
    await doctor.push('attachments', created(attachment));
    return { doctor, receiver, referral, attachment };
  }

  it('takes the bytes from the owner and gives them to the referral target, byte for byte', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const bytes = bytesOf(300 * 1024);
    const { doctor, receiver, referral, attachment } = await referralWithAttachment(bytes);
    await doctor.push('referral_commands', created(commandDoc(doctor.facilityId, referral.id, 'submit')));

    // The metadata reached the target through ordinary replication.
    const seen = (await receiver.pullAll('attachments')).find((doc) => doc.id === attachment.id);
    expect(seen).toMatchObject({ ownerId: referral.id, digest: attachment.digest, size: bytes.length });

    const missing = await get(receiver, attachment.id);
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toBe('attachment-not-uploaded');

    const upload = await put(doctor, attachment.id, bytes);
    expect(upload.status).toBe(201);
    expect(await upload.json()).toEqual({ id: attachment.id, stored: true, size: bytes.length });

    const download = await get(receiver, attachment.id);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(download.headers.get('x-attachment-digest')).toBe(attachment.digest);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
  });

  it('answers a repeated upload of the same bytes with 200 and stores nothing twice', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const bytes = bytesOf(2048);
    const { doctor, attachment } = await referralWithAttachment(bytes);
    expect((await put(doctor, attachment.id, bytes)).status).toBe(201);
    const again = await put(doctor, attachment.id, bytes);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ stored: false });
    const { rows } = await county.db.query('SELECT id FROM attachment_content');
    expect(rows).toHaveLength(1);
  });

  it('refuses bytes that do not match the digest, and other bytes for an id already stored (409)', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const bytes = bytesOf(4096);
    const { doctor, attachment } = await referralWithAttachment(bytes);

    const damaged = bytes.slice();
    damaged[100] = (damaged[100] ?? 0) ^ 0xff;
    const refused = await put(doctor, attachment.id, damaged);
    expect(refused.status).toBe(422);
    expect(await errorOf(refused)).toBe('attachment-digest-mismatch');
    expect((await county.db.query('SELECT id FROM attachment_content')).rows).toHaveLength(0);

    expect((await put(doctor, attachment.id, bytes)).status).toBe(201);
    // The record is changed to describe other bytes: the stored file is still never replaced.
    const other = bytesOf(4096, 99);
    const changedDoc = {
      ...attachment,
      digest: createHash('sha256').update(other).digest('hex'),
      updatedAt: '2026-11-22T09:00:00.000Z',
    } as WireDocument;
    const [current] = (await doctor.pullAll('attachments')).filter((doc) => doc.id === attachment.id);
    await doctor.push('attachments', [{ assumedMasterState: current ?? null, newDocumentState: changedDoc }]);
    const conflict = await put(doctor, attachment.id, other);
    expect(conflict.status).toBe(409);
    expect(await errorOf(conflict)).toBe('attachment-content-differs');
  });

  it('refuses an oversize file (413) and a type other than the record says (415)', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const big = bytesOf(ATTACHMENT_MAX_BYTES + 10);
    // The metadata push itself refuses a declared size over the limit, so the record claims 1 MiB.
    const { doctor, attachment } = await referralWithAttachment(big, { size: ATTACHMENT_MAX_BYTES });
    const oversize = await put(doctor, attachment.id, big);
    expect(oversize.status).toBe(413);
    expect(await errorOf(oversize)).toBe('attachment-too-large');

    const small = bytesOf(1000);
    const pdf = attachmentDoc(doctor, attachment.ownerId as string, small, { mime: 'application/pdf' });
    await doctor.push('attachments', created(pdf));
    const wrongType = await put(doctor, pdf.id, small, 'image/jpeg');
    expect(wrongType.status).toBe(415);
    expect(await errorOf(wrongType)).toBe('attachment-type-mismatch');
    expect((await put(doctor, pdf.id, small, 'application/pdf')).status).toBe(201);
  });

  it('checks SM3 digests too', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const bytes = bytesOf(5000);
    const { doctor, attachment } = await referralWithAttachment(bytes, {
      digest: smCrypto.sm3(Array.from(bytes)),
      digestAlgorithm: 'sm3',
    });
    expect((await put(doctor, attachment.id, bytes.slice(1))).status).toBe(422);
    expect((await put(doctor, attachment.id, bytes)).status).toBe(201);
  });

  it('hides the bytes from facilities outside the scope and lets only the owner upload', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const bytes = bytesOf(1000);
    const { doctor, receiver, attachment } = await referralWithAttachment(bytes);
    const stranger = await staff('XY-V02');
    expect((await put(doctor, attachment.id, bytes)).status).toBe(201);

    const hidden = await get(stranger, attachment.id);
    expect(hidden.status).toBe(404);
    expect(await errorOf(hidden)).toBe('attachment-unknown');
    expect((await stranger.pullAll('attachments')).map((doc) => doc.id)).not.toContain(attachment.id);

    const notOwner = await put(receiver, attachment.id, bytes);
    expect(notOwner.status).toBe(403);
    expect(await errorOf(notOwner)).toBe('attachment-not-owner');

    expect((await put(stranger, 'no-such-attachment', bytes)).status).toBe(404);
    expect((await fetch(`${county.url}${attachmentContentPath(attachment.id)}`)).status).toBe(401);
  });

  it('widens an attachment sent before its referral once the referral arrives', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const doctor = await staff('XY-V01');
    const receiver = await staff('XY-T01');
    const bytes = bytesOf(1000);
    const patient = patientDoc(doctor.facilityId);
    const referral = referralDoc(doctor.facilityId, patient.id, [receiver.facilityId], { state: 'draft' });
    const attachment = attachmentDoc(doctor, referral.id, bytes);
    await doctor.push('attachments', created(attachment));
    expect((await receiver.pullAll('attachments')).map((doc) => doc.id)).not.toContain(attachment.id);
    expect((await get(receiver, attachment.id)).status).toBe(404);

    await doctor.push('patients', created(patient));
    await doctor.push('referrals', created(referral));
    expect((await receiver.pullAll('attachments')).map((doc) => doc.id)).toContain(attachment.id);
    await put(doctor, attachment.id, bytes);
    expect((await get(receiver, attachment.id)).status).toBe(200);
  });

  it('keeps attachments of other owners (a reading) with their facility only', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const doctor = await staff('XY-V01');
    const receiver = await staff('XY-T01');
    const bytes = bytesOf(500);
    const ecg = attachmentDoc(doctor, 'reading-1', bytes, { ownerType: 'reading', kind: 'ecg' });
    await doctor.push('attachments', created(ecg));
    await put(doctor, ecg.id, bytes);
    expect((await get(doctor, ecg.id)).status).toBe(200);
    expect((await get(receiver, ecg.id)).status).toBe(404);
  });
});
