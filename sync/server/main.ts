/**
 * Start the county gateway: `tsx sync/server/main.ts`.
 * Env: DATABASE_URL (a real PostgreSQL) or XIANGYI_GATEWAY_DATA (embedded
 * PGlite folder, default ~/.xiangyi-county); XIANGYI_GATEWAY_PORT (8787),
 * XIANGYI_GATEWAY_HOST (127.0.0.1), XIANGYI_GATEWAY_SECRET, XIANGYI_GATEWAY_ORIGINS.
 */
import type { AddressInfo } from 'node:net';
import { createGateway } from './app';
import { issueEnrolmentCode } from './auth/devices';
import { configFromEnv } from './config';
import { DEMO_COUNTY, isEmptyCounty, seedCounty } from './facilities/demo';
import { facilityByCode } from './facilities/registry';
import { publishDemoSlots } from './slots/demo';

async function main(): Promise<void> {
  const config = configFromEnv();
  const gateway = await createGateway(config);
  const embedded = !config.databaseUrl;
  let seeded = false;
  if (embedded && (await isEmptyCounty(gateway.db))) {
    await seedCounty(gateway.db, DEMO_COUNTY);
    seeded = true;
  }
  await gateway.app.listen({ host: config.host, port: config.port });
  const { port } = gateway.app.server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  console.log(`County gateway listening at http://${shownHost}:${port}`);
  console.log(
    embedded
      ? `Database: embedded PGlite in ${config.dataDir}${seeded ? ' (new: seeded a demo county)' : ''}`
      : 'Database: PostgreSQL (DATABASE_URL)',
  );
  if (embedded && (await hasDemoCounty(gateway.db))) {
    // The demo's week of slots moves with the calendar: republishing is idempotent and keeps bookings.
    const newSlots = await publishDemoSlots(gateway.app.slots, gateway.db);
    console.log(`Demo slot pool: ${newSlots} new slot(s) for today and the next 6 days.`);
    // The embedded database is single-process, so the CLI cannot run beside the gateway: hand out codes here.
    for (const code of ['XY-V01', 'XY-T01']) {
      const facility = await facilityByCode(gateway.db, code);
      const issued = await issueEnrolmentCode(gateway.db, facility.id, config.enrolmentCodeTtlHours);
      console.log(`Enrolment code for ${facility.name} (${code}): ${issued.code}  (one use, 24 h)`);
    }
  }
  console.log(
    embedded
      ? 'More codes: stop the gateway, then `tsx sync/server/county-cli.ts issue-code --facility <CODE>` (`list` shows the facility codes).'
      : 'Enrolment codes: `tsx sync/server/county-cli.ts issue-code --facility <CODE>` with the same DATABASE_URL.',
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    gateway.app.log.info({ signal }, 'stopping');
    await gateway.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function hasDemoCounty(db: import('./db/driver').Database): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM facilities WHERE code = 'XY-V01'`);
  return rows.length > 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
