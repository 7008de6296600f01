import { describe, expect, it, onTestFinished } from 'vitest';
import { openMemoryClinic } from '../../testing/memory-store';
import {
  formatSerialNumber,
  newWorkstationTag,
  nextSerialNumber,
  parseSerialNumber,
  SERIAL_MAX,
  SerialNumberError,
} from './serial-number';

async function workstation() {
  const { db } = await openMemoryClinic();
  onTestFinished(() => db.close().then(() => undefined));
  return db;
}

const facility = { code: '450881123' };

describe('referral serial numbers', () => {
  it('are unique across two workstations of one facility issuing offline', async () => {
    // RxDB allows one open clinic store per realm in tests, so the two PCs take turns;
    // they never talk to each other either way.
    const issued: string[] = [];
    for (const _pc of ['desk A', 'desk B']) {
      const { db } = await openMemoryClinic();
      issued.push(...(await Promise.all(Array.from({ length: 20 }, () => nextSerialNumber(db, facility)))));
      await db.close();
    }
    expect(new Set(issued).size).toBe(40);
    for (const serial of issued) {
      expect(serial.length).toBeLessThanOrEqual(SERIAL_MAX);
      expect(parseSerialNumber(serial)?.facilityCode).toBe('450881123');
    }
    const tags = new Set(issued.map((serial) => parseSerialNumber(serial)?.tag));
    expect(tags.size).toBe(2);
  });

  it('count up on one workstation, concurrent calls included, and survive a reopen', async () => {
    const { db, storage, name } = await openMemoryClinic();
    onTestFinished(() => db.close().then(() => undefined));
    const first = await Promise.all([1, 2, 3].map(() => nextSerialNumber(db, facility)));
    expect(first.map((serial) => parseSerialNumber(serial)?.sequence).sort()).toEqual([1, 2, 3]);
    await db.close();
    const { openClinicDatabase } = await import('../../store/database');
    const again = await openClinicDatabase({ name, storage });
    onTestFinished(() => again.close().then(() => undefined));
    const next = await nextSerialNumber(again, facility);
    expect(parseSerialNumber(next)).toEqual({ ...parseSerialNumber(first[0] ?? ''), sequence: 4 });
  });

  it('take a given workstation id as the tag', async () => {
    const db = await workstation();
    expect(await nextSerialNumber(db, facility, 'desk-2')).toBe('450881123-DESK2-000001');
    await expect(nextSerialNumber(db, facility, '--')).rejects.toBeInstanceOf(SerialNumberError);
  });

  it('refuse a number longer than the referral can store, rather than cut it', () => {
    expect(() => formatSerialNumber('A'.repeat(30), 'TAGS', 1)).toThrow(SerialNumberError);
  });

  it('draw workstation tags from an alphabet that cannot be misread on paper', () => {
    for (let i = 0; i < 200; i++) expect(newWorkstationTag()).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}$/);
  });
});
