import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './testing/start-gateway';

const gateways: TestGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

function patient(facilityId: string, id: string) {
  const now = new Date().toISOString();
  return {
    id,
    facilityId,
    createdAt: now,
    updatedAt: now,
    createdBy: 'u1',
    updatedBy: 'u1',
    name: '张三',
    namePinyin: 'zhangsan',
    nameInitials: 'zs',
    sex: 'male',
    birthDate: '1990-03-15',
    address: {},
    allergies: [],
    chronicConditions: [],
    status: 'active',
    mergedFrom: [],
    _deleted: false,
  };
}

describe('gzipped pushes', () => {
  it('are decompressed and stored like plain ones', async () => {
    const gateway = await startGateway();
    gateways.push(gateway);
    const clinic = await gateway.clinic('XY-V01');
    const body = gzipSync(
      JSON.stringify({
        collection: 'patients',
        pushId: crypto.randomUUID(),
        rows: [{ assumedMasterState: null, newDocumentState: patient(clinic.facilityId, 'p-gz') }],
      }),
    );
    const response = await fetch(`${gateway.url}/v1/push`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${clinic.token}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ conflicts: [] });
    const pulled = await clinic.pull('patients');
    expect(pulled.documents.map((doc) => doc.id)).toEqual(['p-gz']);
  });

  it('refuse a body that claims gzip but is not, with a specific 400 and nothing stored', async () => {
    const gateway = await startGateway();
    gateways.push(gateway);
    const clinic = await gateway.clinic('XY-V01');
    const response = await fetch(`${gateway.url}/v1/push`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${clinic.token}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: 'not gzip at all',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'malformed-request',
      message: 'Could not decompress the request payload using the provided encoding',
    });
    expect((await clinic.pull('patients')).documents).toEqual([]);
  });
});
