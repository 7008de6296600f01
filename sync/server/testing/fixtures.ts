/** Valid documents for tests and the bench. */
import type { PushRow, WireDocument } from '../../protocol/replication';

const NOW = '2026-11-21T08:00:00.000Z';

function owned(facilityId: string, id: string = crypto.randomUUID()) {
  return {
    id,
    facilityId,
    createdAt: NOW,
    updatedAt: NOW,
    createdBy: 'u1',
    updatedBy: 'u1',
    _deleted: false,
  };
}

export function patientDoc(facilityId: string, overrides: Record<string, unknown> = {}): WireDocument {
  return {
    ...owned(facilityId),
    name: '张三',
    namePinyin: 'zhangsan',
    nameInitials: 'zs',
    sex: 'male',
    birthDate: '1960-05-01',
    address: { detail: '柳树村3组' },
    allergies: [],
    chronicConditions: ['I10'],
    status: 'active',
    mergedFrom: [],
    ...overrides,
  } as WireDocument;
}

export function visitDoc(
  facilityId: string,
  patientId: string,
  overrides: Record<string, unknown> = {},
): WireDocument {
  return {
    ...owned(facilityId),
    patientId,
    doctorId: 'doc-1',
    startedAt: NOW,
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    status: 'open',
    ...overrides,
  } as WireDocument;
}

export function readingDoc(
  facilityId: string,
  patientId: string,
  overrides: Record<string, unknown> = {},
): WireDocument {
  return {
    ...owned(facilityId),
    patientId,
    kind: 'bp',
    values: { systolic: 150, diastolic: 95, pulse: 78 },
    measuredAt: NOW,
    source: 'device',
    operatorId: 'u1',
    outOfRangeConfirmed: false,
    ...overrides,
  } as WireDocument;
}

export function referralDoc(
  facilityId: string,
  patientId: string,
  targetFacilityIds: string[],
  overrides: Record<string, unknown> = {},
): WireDocument {
  return {
    ...owned(facilityId),
    serialNo: `ZZ-${Math.floor(Math.random() * 1e6)}`,
    patientId,
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds,
    state: 'submitted',
    reason: '血压控制不佳',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    attachmentIds: [],
    appliedSeq: 0,
    ...overrides,
  } as WireDocument;
}

/**
 * A signed-in user's account as its clinic pushes it: the county judges a
 * referral command by the roles of the account that wrote it.
 */
export function userDoc(facilityId: string, id: string, roles: string[], displayName = id): WireDocument {
  return {
    ...owned(facilityId, id),
    createdBy: id,
    updatedBy: id,
    username: id,
    displayName,
    roles,
    password: {
      kdf: 'argon2id',
      salt: 'c2FsdA',
      hash: 'aGFzaA',
      memoryKiB: 19456,
      iterations: 2,
      parallelism: 1,
    },
    active: true,
    failedAttempts: 0,
  } as WireDocument;
}

export function commandDoc(facilityId: string, referralId: string, command = 'submit'): WireDocument {
  return { ...owned(facilityId), referralId, command, payload: {} } as WireDocument;
}

/** Rows creating these documents (nothing assumed). */
export function created(...docs: WireDocument[]): PushRow[] {
  return docs.map((doc) => ({ assumedMasterState: null, newDocumentState: doc }));
}

/** A row changing `from` (as pulled) into `to`. */
export function changed(from: WireDocument, to: WireDocument): PushRow {
  return { assumedMasterState: from, newDocumentState: to };
}
