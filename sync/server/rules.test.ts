import { describe, expect, it } from 'vitest';
import { hashEnrolmentCode, hashSecret, newEnrolmentCode, verifySecret } from './auth/secrets';
import { signToken, tokenFromRequest, verifyToken } from './auth/tokens';
import { SyncError } from './errors';
import { contentOf, decideRow } from './replication/decide';
import { documentScope, patientScope } from './replication/scope';
import { changePayload } from './replication/store';
import { parsePullQuery, parsePushRequest } from './replication/validate';
import { patientDoc, readingDoc, referralDoc, visitDoc } from './testing/fixtures';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SyncError ? error.code : String(error);
  }
  return undefined;
}

describe('patient scope', () => {
  it('grows along referrals whose referrer is already in scope, not from strangers', () => {
    const up = referralDoc('village', 'p', ['township']);
    const further = referralDoc('township', 'p', ['county']);
    const stranger = referralDoc('other', 'p', ['other', 'friend']);
    expect(patientScope('village', [further, up, stranger]).sort()).toEqual([
      'county',
      'township',
      'village',
    ]);
    expect(patientScope('village', [{ ...up, _deleted: true }])).toEqual(['village']);
  });

  it('per collection', () => {
    expect(documentScope('facilities', { facilityId: 'f' })).toEqual(['*']);
    expect(documentScope('users', { facilityId: 'f' })).toEqual(['f']);
    expect(documentScope('slots', { facilityId: 'h', allocatedTo: 'v' })).toEqual(['h', 'v']);
    expect(documentScope('referrals', referralDoc('v', 'p', ['t', 'h']))).toEqual(['v', 't', 'h']);
    expect(
      documentScope(
        'referral_commands',
        { facilityId: 't' },
        { referral: referralDoc('v', 'p', ['t']) },
      ).sort(),
    ).toEqual(['t', 'v']);
    expect(documentScope('visits', visitDoc('v', 'p'))).toEqual(['v']);
  });
});

describe('decideRow', () => {
  const base = contentOf(visitDoc('v', 'p'));
  it('creates, ignores retries, takes changes on the assumed state, refuses others', () => {
    expect(decideRow('visits', null, base, null)).toEqual({ kind: 'write', content: base, merged: false });
    expect(decideRow('visits', null, base, base)).toEqual({ kind: 'unchanged' });
    const closed = { ...base, status: 'closed' };
    expect(decideRow('visits', base, closed, base)).toMatchObject({ kind: 'write', content: closed });
    expect(decideRow('visits', base, { ...base, chiefComplaint: 'x' }, closed)).toEqual({ kind: 'conflict' });
    expect(decideRow('visits', base, closed, closed)).toEqual({ kind: 'unchanged' });
  });

  it('ignores county stamps when comparing', () => {
    const stamped = contentOf({
      ...visitDoc('v', 'p'),
      countySeq: 5,
      countyTime: '2026-01-01T00:00:00.000Z',
    });
    expect(stamped.countySeq).toBeUndefined();
    expect(stamped._deleted).toBe(false);
  });

  it('merges patients field by field and keeps fixed fields', () => {
    const p = contentOf(patientDoc('v'));
    const current = { ...p, phone: '1' };
    const pushed = { ...p, allergies: ['x'], facilityId: 'thief', createdAt: '2000-01-01T00:00:00.000Z' };
    const decision = decideRow('patients', p, pushed, current);
    expect(decision).toMatchObject({ kind: 'write', merged: true });
    if (decision.kind !== 'write') throw new Error('expected a write');
    expect(decision.content).toMatchObject({
      phone: '1',
      allergies: ['x'],
      facilityId: 'v',
      createdAt: p.createdAt,
    });
  });
});

describe('tokens and secrets', () => {
  it('signs, verifies, expires, rejects tampering', () => {
    const token = signToken('k', { fac: 'f', dev: 'd', usr: 'u', gen: 1, iat: 100, exp: 700 });
    expect(verifyToken('k', token, 200)).toMatchObject({ fac: 'f', gen: 1 });
    expect(codeOf(() => verifyToken('k', token, 700))).toBe('token-expired');
    expect(codeOf(() => verifyToken('other', token, 200))).toBe('token-invalid');
    expect(codeOf(() => verifyToken('k', `${token}x`, 200))).toBe('token-invalid');
    expect(codeOf(() => verifyToken('k', 'garbage', 200))).toBe('token-invalid');
    expect(tokenFromRequest('Bearer abc', undefined)).toBe('abc');
    expect(tokenFromRequest(undefined, 'q')).toBe('q');
    expect(tokenFromRequest(undefined, undefined)).toBeNull();
    expect(codeOf(() => tokenFromRequest('Basic x', undefined))).toBe('token-invalid');
  });

  it('hashes device secrets and codes', async () => {
    const stored = await hashSecret('s3cret');
    expect(stored).not.toContain('s3cret');
    expect(await verifySecret('s3cret', stored)).toBe(true);
    expect(await verifySecret('wrong', stored)).toBe(false);
    const code = newEnrolmentCode();
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(hashEnrolmentCode(code.toLowerCase().replaceAll('-', ' '))).toBe(hashEnrolmentCode(code));
  });
});

describe('request validation', () => {
  it('names the row and the field of a schema violation', () => {
    const good = readingDoc('v', 'p');
    const push = {
      collection: 'readings',
      pushId: 'x',
      rows: [{ assumedMasterState: null, newDocumentState: good }],
    };
    expect(parsePushRequest(push).rows).toHaveLength(1);
    const bad = {
      ...push,
      rows: [...push.rows, { assumedMasterState: null, newDocumentState: { ...good, values: { s: 'x' } } }],
    };
    try {
      parsePushRequest(bad);
      throw new Error('should refuse');
    } catch (error) {
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).body()).toMatchObject({
        error: 'schema-violation',
        row: 1,
        field: 'values.s',
      });
    }
    expect(codeOf(() => parsePushRequest([]))).toBe('malformed-request');
    expect(codeOf(() => parsePushRequest({ ...push, collection: 'nope' }))).toBe('unknown-collection');
    expect(
      codeOf(() =>
        parsePushRequest({
          ...push,
          rows: [{ assumedMasterState: readingDoc('v', 'p'), newDocumentState: good }],
        }),
      ),
    ).toBe('malformed-request');
    expect(
      codeOf(() =>
        parsePushRequest({
          ...push,
          rows: [{ assumedMasterState: null, newDocumentState: { ...good, createdAt: 'yesterday' } }],
        }),
      ),
    ).toBe('schema-violation');
  });

  it('caps the pull limit and defaults the checkpoint', () => {
    expect(parsePullQuery({ collection: 'patients', limit: '99999' }, 5000)).toEqual({
      collection: 'patients',
      seq: 0,
      limit: 5000,
      count: true,
    });
    expect(parsePullQuery({ collection: 'patients', count: '0' }, 5000).count).toBe(false);
    expect(codeOf(() => parsePullQuery({ collection: 'patients', count: 'yes' }, 5000))).toBe(
      'malformed-request',
    );
    expect(codeOf(() => parsePullQuery({ collection: 'patients', seq: '-1' }, 5000))).toBe(
      'malformed-request',
    );
    expect(codeOf(() => parsePullQuery({}, 5000))).toBe('malformed-request');
  });

  it('tells everyone when a notification would be too long', () => {
    const many = new Set(Array.from({ length: 400 }, () => crypto.randomUUID()));
    expect(JSON.parse(changePayload('patients', { seq: 3, facilities: many }))).toEqual({
      c: 'patients',
      s: 3,
      f: '*',
    });
    expect(JSON.parse(changePayload('visits', { seq: 4, facilities: new Set(['a']) }))).toEqual({
      c: 'visits',
      s: 4,
      f: ['a'],
    });
  });
});
