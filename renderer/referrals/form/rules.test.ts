/** The referral form's pure rules: validation, targets, autofill, attachment limits. */
import { describe, expect, it } from 'vitest';
import type { FacilityDoc, ReadingDoc, VisitDoc } from '../../../sync/protocol/schema';
import {
  ATTACHMENT_LIMITS,
  checkCompressed,
  formatBytes,
  planAttachment,
  scaledSize,
  storedFileName,
} from './attachment-rules';
import { autofill, latestReadings, latestVisit } from './autofill';
import { emptyReferralInput, type ReferralInput, validateDraft, validateSubmit } from './referral-input';
import { candidateTargets, rankTargets } from './targets';

const AT = '2026-11-22T08:00:00.000Z';

function facility(id: string, level: FacilityDoc['level'], extra: Partial<FacilityDoc> = {}): FacilityDoc {
  return {
    id,
    facilityId: id,
    createdAt: AT,
    updatedAt: AT,
    createdBy: 'county',
    updatedBy: 'county',
    code: id,
    name: `${id}院`,
    level,
    departments: [],
    referralTargetIds: [],
    offline: false,
    ...extra,
  };
}

// A village station related to its township, a second township, the county hospital (a level
// skipped), a township taken offline, and a neighbouring village; a city hospital it is not related to.
const village = facility('V1', 'village', {
  parentId: 'T1',
  referralTargetIds: ['T1', 'T2', 'H1', 'TX', 'V2'],
});
const FACILITIES = new Map(
  [
    village,
    facility('T1', 'township', { name: '石龙镇卫生院' }),
    facility('T2', 'township', { name: '大坡镇卫生院' }),
    facility('H1', 'county', { name: '县人民医院' }),
    facility('TX', 'township', { offline: true }),
    facility('V2', 'village'),
    facility('C1', 'city'),
  ].map((f) => [f.id, f]),
);

function filled(overrides: Partial<ReferralInput> = {}): ReferralInput {
  return {
    ...emptyReferralInput('p1'),
    targetFacilityIds: ['T1'],
    reason: '血压控制不佳，需调整用药',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    consentAttachmentId: 'consent-1',
    ...overrides,
  };
}

const submit = (input: ReferralInput) => validateSubmit(input, { referrer: village, facilities: FACILITIES });

describe('referral form validation', () => {
  it('saves a half-filled draft but refuses one without a patient or with text over the limits', () => {
    expect(validateDraft(emptyReferralInput('p1'))).toEqual({});
    expect(validateDraft(emptyReferralInput(''))).toEqual({ patient: 'required' });
    expect(validateDraft({ ...emptyReferralInput('p1'), chiefComplaint: '头'.repeat(501) })).toEqual({
      chiefComplaint: 'too-long',
    });
  });

  it('accepts a complete up-referral to the next level', () => {
    expect(submit(filled())).toEqual({});
  });

  it('names every missing field of a submit at once', () => {
    expect(
      submit(filled({ reason: ' ', diagnoses: [], targetFacilityIds: [], consentAttachmentId: undefined })),
    ).toEqual({
      reason: 'required',
      diagnoses: 'required',
      targets: 'no-targets',
      consent: 'consent-missing',
    });
  });

  it('refuses a submit without consent even when all else is there', () => {
    expect(submit(filled({ consentAttachmentId: undefined }))).toEqual({ consent: 'consent-missing' });
  });

  it('refuses the same diagnosis twice', () => {
    const i10 = { code: 'I10', name: '原发性高血压' };
    expect(submit(filled({ diagnoses: [i10, i10] }))).toEqual({ diagnoses: 'duplicate' });
  });

  it('refuses an up-referral that skips a level unless marked special with a reason', () => {
    expect(submit(filled({ targetFacilityIds: ['H1'] }))).toEqual({ specialReason: 'level-skipped' });
    expect(submit(filled({ targetFacilityIds: ['H1'], special: true, specialReason: '' }))).toEqual({
      specialReason: 'required',
    });
    expect(
      submit(
        filled({ targetFacilityIds: ['H1'], special: true, specialReason: '疑似急性心梗，乡镇无介入条件' }),
      ),
    ).toEqual({});
  });

  it('takes the state machine’s word on targets: relations, 下线, direction, one target unless inpatient', () => {
    expect(submit(filled({ targetFacilityIds: ['C1'] }))).toEqual({ targets: 'target-not-related' });
    expect(submit(filled({ targetFacilityIds: ['TX'] }))).toEqual({ targets: 'target-offline' });
    expect(submit(filled({ targetFacilityIds: ['V2'] }))).toEqual({ targets: 'direction-mismatch' });
    expect(submit(filled({ targetFacilityIds: ['T1', 'T2'] }))).toEqual({ targets: 'single-target-only' });
    expect(submit(filled({ type: 'inpatient', targetFacilityIds: ['T1', 'T2'] }))).toEqual({});
    expect(submit(filled({ direction: 'lateral', targetFacilityIds: ['V2'] }))).toEqual({});
  });

  it('refuses for the whole form when the referring facility itself is taken offline', () => {
    const offline = { ...village, offline: true };
    expect(validateSubmit(filled(), { referrer: offline, facilities: FACILITIES })).toEqual({
      form: 'referrer-offline',
    });
  });
});

describe('referral targets', () => {
  it('offers related, online facilities in the chosen direction, a skipped level included', () => {
    const ids = (direction: 'up' | 'lateral' | 'down') =>
      candidateTargets(village, FACILITIES, direction).map((f) => f.id);
    expect(ids('up').sort()).toEqual(['H1', 'T1', 'T2']);
    expect(ids('lateral')).toEqual(['V2']);
    expect(ids('down')).toEqual([]);
  });

  it('ranks the next level first, then what has slots left, then the own township, then more quota', () => {
    const candidates = candidateTargets(village, FACILITIES, 'up');
    const noSlots = rankTargets(village, candidates, new Map());
    expect(noSlots.map((o) => o.facility.id)).toEqual(['T1', 'T2', 'H1']);
    expect(noSlots[2]).toMatchObject({ skipsLevel: true, isParent: false });
    expect(noSlots[0]).toMatchObject({ isParent: true, slots: { quota: 0, online: 0 } });

    const slots = new Map([
      ['T2', { quota: 0, online: 3 }],
      ['H1', { quota: 9, online: 40 }],
    ]);
    expect(rankTargets(village, candidates, slots).map((o) => o.facility.id)).toEqual(['T2', 'T1', 'H1']);

    const both = new Map([
      ['T1', { quota: 1, online: 0 }],
      ['T2', { quota: 4, online: 0, firstQuotaDate: '2026-11-23' }],
    ]);
    expect(rankTargets(village, candidates, both).map((o) => o.facility.id)).toEqual(['T1', 'T2', 'H1']);
    const sameParent = { ...village, parentId: undefined };
    expect(rankTargets(sameParent, candidates, both).map((o) => o.facility.id)).toEqual(['T2', 'T1', 'H1']);
  });
});

function visit(id: string, startedAt: string, extra: Partial<VisitDoc> = {}): VisitDoc {
  return {
    id,
    facilityId: 'V1',
    createdAt: startedAt,
    updatedAt: startedAt,
    createdBy: 'd1',
    updatedBy: 'd1',
    patientId: 'p1',
    doctorId: 'd1',
    startedAt,
    diagnoses: [],
    status: 'closed',
    ...extra,
  };
}

function reading(kind: ReadingDoc['kind'], values: Record<string, number>, measuredAt: string): ReadingDoc {
  return {
    id: `${kind}-${measuredAt}`,
    facilityId: 'V1',
    createdAt: measuredAt,
    updatedAt: measuredAt,
    createdBy: 'n1',
    updatedBy: 'n1',
    patientId: 'p1',
    kind,
    values,
    measuredAt,
    source: 'device',
    operatorId: 'n1',
    outOfRangeConfirmed: false,
  };
}

describe('autofill from the visit and readings', () => {
  const older = visit('v1', '2026-10-01T01:00:00.000Z', {
    chiefComplaint: '咳嗽',
    diagnoses: [{ code: 'J20.9', name: '急性支气管炎' }],
  });
  const today = visit('v2', '2026-11-22T01:00:00.000Z', {
    status: 'open',
    chiefComplaint: '头晕三天',
    presentIllness: '三天前无明显诱因出现头晕',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
  });
  const readings = [
    reading('bp', { systolic: 150, diastolic: 95 }, '2026-11-20T01:00:00.000Z'),
    reading('bp', { systolic: 172, diastolic: 104 }, '2026-11-22T01:10:00.000Z'),
    reading('spo2', { spo2: 97, pulse: 80 }, '2026-11-22T01:11:00.000Z'),
    reading('ecg', { heartRate: 80 }, '2026-11-22T01:12:00.000Z'),
  ];
  const describeLine = (line: { kind: string; values: Record<string, number> }) =>
    `${line.kind} ${Object.values(line.values).join('/')}`;

  it('picks the open visit, else the latest, and the newest reading of each kind (no ECG)', () => {
    expect(latestVisit([older, today])?.id).toBe('v2');
    expect(
      latestVisit([older, { ...today, status: 'closed', startedAt: '2026-09-01T00:00:00.000Z' }])?.id,
    ).toBe('v1');
    expect(latestReadings(readings).map((r) => [r.kind, r.values])).toEqual([
      ['spo2', { spo2: 97, pulse: 80 }],
      ['bp', { systolic: 172, diastolic: 104 }],
    ]);
  });

  it('fills empty fields from the visit and appends the readings to the present illness', () => {
    const result = autofill(emptyReferralInput('p1'), {
      visits: [older, today],
      readings,
      describe: describeLine,
      readingsHeading: '最近测量：',
    });
    expect(result).toMatchObject({
      visitId: 'v2',
      chiefComplaint: '头晕三天',
      presentIllness: '三天前无明显诱因出现头晕\n最近测量：spo2 97/80；bp 172/104',
      diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    });
  });

  it('never overwrites what the doctor typed', () => {
    const typed = {
      ...emptyReferralInput('p1'),
      chiefComplaint: '胸闷',
      diagnoses: [{ code: 'I20.9', name: '心绞痛' }],
    };
    const result = autofill(typed, {
      visits: [today],
      readings: [],
      describe: describeLine,
      readingsHeading: '',
    });
    expect(result.chiefComplaint).toBe('胸闷');
    expect(result.diagnoses).toEqual([{ code: 'I20.9', name: '心绞痛' }]);
    expect(result.presentIllness).toBe('三天前无明显诱因出现头晕');
  });

  it('leaves the form empty for a patient with no visit and no readings', () => {
    const result = autofill(emptyReferralInput('p1'), {
      visits: [],
      readings: [],
      describe: describeLine,
      readingsHeading: 'x',
    });
    expect(result).toEqual(emptyReferralInput('p1'));
  });
});

describe('attachment size rules', () => {
  const none = { count: 0, bytes: 0 };
  it('compresses images, keeps small PDFs, refuses other types', () => {
    expect(planAttachment({ name: 'a.jpg', type: 'image/jpeg', size: 5_000_000 }, none)).toEqual({
      ok: true,
      action: 'compress-image',
    });
    expect(planAttachment({ name: 'r.pdf', type: 'application/pdf', size: 500_000 }, none)).toEqual({
      ok: true,
      action: 'keep-pdf',
    });
    expect(planAttachment({ name: 'v.mp4', type: 'video/mp4', size: 1000 }, none)).toEqual({
      ok: false,
      problem: { code: 'unsupported-type', fileName: 'v.mp4', mime: 'video/mp4' },
    });
  });

  it('refuses oversized files with the file, its size and the limit', () => {
    expect(planAttachment({ name: 'big.png', type: 'image/png', size: 30_000_000 }, none)).toEqual({
      ok: false,
      problem: {
        code: 'file-too-large',
        fileName: 'big.png',
        size: 30_000_000,
        limit: ATTACHMENT_LIMITS.maxInputBytes,
      },
    });
    expect(planAttachment({ name: 'ct.pdf', type: 'application/pdf', size: 2_000_000 }, none)).toMatchObject({
      ok: false,
      problem: { code: 'pdf-too-large', limit: ATTACHMENT_LIMITS.maxPdfBytes },
    });
    expect(checkCompressed('x.jpg', ATTACHMENT_LIMITS.maxImageBytes + 1, 0)).toMatchObject({
      ok: false,
      problem: { code: 'image-still-too-large' },
    });
  });

  it('keeps a referral under its total and file-count limits', () => {
    const nearlyFull = { count: 3, bytes: ATTACHMENT_LIMITS.maxTotalBytes - 100_000 };
    expect(
      planAttachment({ name: 'r.pdf', type: 'application/pdf', size: 200_000 }, nearlyFull),
    ).toMatchObject({
      ok: false,
      problem: { code: 'total-too-large' },
    });
    expect(checkCompressed('x.jpg', 200_000, nearlyFull.bytes)).toMatchObject({
      ok: false,
      problem: { code: 'total-too-large' },
    });
    expect(checkCompressed('x.jpg', 90_000, nearlyFull.bytes)).toEqual({ ok: true });
    expect(
      planAttachment(
        { name: 'a.jpg', type: 'image/jpeg', size: 10 },
        { count: ATTACHMENT_LIMITS.maxFiles, bytes: 0 },
      ),
    ).toMatchObject({ ok: false, problem: { code: 'too-many-files' } });
  });

  it('scales the longest side down to the limit, never up, and names the stored file', () => {
    expect(scaledSize(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(scaledSize(3000, 4000, 800)).toEqual({ width: 600, height: 800 });
    expect(scaledSize(640, 480)).toEqual({ width: 640, height: 480 });
    expect(storedFileName('化验单.PNG', 'image/jpeg')).toBe('化验单.jpg');
    expect(storedFileName('报告.pdf', 'application/pdf')).toBe('报告.pdf');
    expect(formatBytes(1024 * 1024)).toBe('1 MB');
    expect(formatBytes(400 * 1024)).toBe('400 KB');
  });
});
