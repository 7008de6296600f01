import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from './readings';
import { DRIVERS, findDriver } from './registry';
import { parseSplit } from './testing/feed';
import { createMemoryPair } from './transport/memory';

describe('driver registry', () => {
  it('has unique ids and complete descriptors', () => {
    expect(new Set(DRIVERS.map((driver) => driver.id)).size).toBe(DRIVERS.length);
    for (const driver of DRIVERS) {
      expect(driver.labelKey).toMatch(/^devices\.\w+\.label$/);
      expect(findDriver(driver.id)).toBe(driver);
      if (driver.transport.kind === 'serial') expect(driver.transport.settings.baudRate).toBeGreaterThan(0);
    }
    expect(DRIVERS.map((driver) => driver.kind).sort()).toEqual([
      'bp',
      'bp',
      'idcard',
      'monitor',
      'printer',
      'qr',
      'spo2',
      'spo2',
    ]);
  });

  it('no parser throws on random bytes, and every event is a known type', () => {
    const types = new Set(['reading', 'cuff-pressure', 'status', 'idcard', 'scan', 'hl7-received', 'fault']);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(2000), { maxLength: 6 }),
        (bytes, cuts) => {
          for (const driver of DRIVERS) {
            const events: DeviceEvent[] = parseSplit(driver.createParser({ deviceId: 'x' }), bytes, cuts);
            for (const event of events) expect(types.has(event.type)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every driver pairs a session with its simulator over an in-memory link', async () => {
    for (const driver of DRIVERS) {
      const [host, device] = createMemoryPair();
      const simulator = driver.createSimulator(device, {});
      const session = driver.createSession(host, { deviceId: driver.id });
      simulator.stop();
      await session.close();
      expect(device.isOpen).toBe(false);
    }
  });
});
