/**
 * County administration: `tsx sync/server/county-cli.ts <command> [--flag value]...`
 * Uses DATABASE_URL, or the embedded database in XIANGYI_GATEWAY_DATA (stop the
 * gateway first: the embedded database is single-process).
 */
import { parseArgs } from 'node:util';
import { issueEnrolmentCode } from './auth/devices';
import { configFromEnv } from './config';
import type { Database } from './db/driver';
import { openDatabase } from './db/open';
import { DEMO_COUNTY, seedCounty } from './facilities/demo';
import {
  addDepartment,
  addFacility,
  addStaff,
  facilityByCode,
  listFacilities,
  RegistryError,
  relate,
  setOffline,
} from './facilities/registry';
import { runSlipKeyCommand, SLIP_KEY_CLI_OPTIONS, SLIP_KEY_USAGE } from './facilities/slip-keys';
import { REFERRAL_CLI_OPTIONS, REFERRAL_USAGE, runReferralCommand } from './referrals/county-commands';
import { runSlotCommand } from './slots/cli';

const USAGE = `county-cli <command>
  add-facility --code CODE --name NAME --level village|township|county|city [--parent CODE]
  relate --from CODE --to CODE          referral relation (from may refer to to)
  add-department --facility CODE --name NAME [--id ID]
  add-staff --facility CODE --name NAME --roles doctor[,reviewer,...] [--department ID] [--title TITLE]
  issue-code --facility CODE            one-time enrolment code, valid 24 h
  revoke --facility CODE                下线: stop the facility's sync and new referrals
  restore --facility CODE               back online
  revoke-device --device ID             stop one enrolled computer
  list                                  facilities, relations, devices
  seed-demo                             the demo county (empty database only)
  slots <command>                       slot pool (号源): import, report, quota rules, 停诊 (\`slots help\`)
${SLIP_KEY_USAGE}
${REFERRAL_USAGE}`;

export async function runCountyCommand(
  db: Database,
  argv: string[],
  out: (line: string) => void,
): Promise<void> {
  const [command, ...rest] = argv;
  // Slot commands have their own flags.
  if (command === 'slots') return runSlotCommand(db, rest, out);
  const { values } = parseArgs({
    args: rest,
    options: {
      code: { type: 'string' },
      name: { type: 'string' },
      level: { type: 'string' },
      parent: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      facility: { type: 'string' },
      roles: { type: 'string' },
      department: { type: 'string' },
      title: { type: 'string' },
      id: { type: 'string' },
      device: { type: 'string' },
      ...REFERRAL_CLI_OPTIONS,
      ...SLIP_KEY_CLI_OPTIONS,
    },
    strict: true,
  });
  const need = (key: keyof typeof values): string => {
    const value = values[key];
    if (typeof value !== 'string' || value === '')
      throw new RegistryError(`--${key} is required\n\n${USAGE}`);
    return value;
  };
  switch (command) {
    case 'add-facility': {
      const facility = await addFacility(db, {
        code: need('code'),
        name: need('name'),
        level: need('level'),
        ...(values.parent ? { parentCode: values.parent } : {}),
      });
      out(`added ${facility.code} ${facility.name} (${facility.level}) id ${facility.id}`);
      return;
    }
    case 'relate':
      await relate(db, need('from'), need('to'));
      out(`${need('from')} may now refer to ${need('to')}`);
      return;
    case 'add-department': {
      const department = await addDepartment(db, need('facility'), {
        name: need('name'),
        ...(values.id ? { id: values.id } : {}),
      });
      out(`department ${department.name} id ${department.id}`);
      return;
    }
    case 'add-staff': {
      const staff = await addStaff(db, {
        facilityCode: need('facility'),
        name: need('name'),
        roles: need('roles').split(','),
        ...(values.department ? { departmentId: values.department } : {}),
        ...(values.title ? { title: values.title } : {}),
      });
      out(`staff ${staff.name} id ${staff.id}`);
      return;
    }
    case 'issue-code': {
      const facility = await facilityByCode(db, need('facility'));
      const issued = await issueEnrolmentCode(db, facility.id);
      out(`Enrolment code for ${facility.name} (${facility.code}): ${issued.code}`);
      out(`Valid once, until ${issued.expiresAt}. Only a hash is stored: note it now.`);
      return;
    }
    case 'revoke': {
      const facility = await setOffline(db, need('facility'), true);
      out(`${facility.code} ${facility.name} is offline (下线): its sync stops at its next request.`);
      return;
    }
    case 'restore': {
      const facility = await setOffline(db, need('facility'), false);
      out(`${facility.code} ${facility.name} is back online.`);
      return;
    }
    case 'revoke-device': {
      const { rows } = await db.query('UPDATE devices SET revoked = true WHERE id = $1 RETURNING id', [
        need('device'),
      ]);
      out(rows.length ? `device ${need('device')} revoked` : `no device ${need('device')}`);
      return;
    }
    case 'list': {
      const facilities = await listFacilities(db);
      const byId = new Map(facilities.map((f) => [f.id, f]));
      const devices = await db.query<{ facility_id: string; n: unknown }>(
        'SELECT facility_id, count(*) AS n FROM devices WHERE NOT revoked GROUP BY facility_id',
      );
      const deviceCount = new Map(devices.rows.map((row) => [row.facility_id, Number(row.n)]));
      for (const f of facilities) {
        const parent = f.parentId ? byId.get(f.parentId)?.code : '-';
        const targets = f.referralTargetIds.map((id) => byId.get(id)?.code ?? id).join(',') || '-';
        out(
          `${f.code.padEnd(10)} ${f.level.padEnd(8)} ${f.offline ? 'OFFLINE' : 'online '} parent ${parent?.padEnd(8)} refers-to ${targets.padEnd(20)} devices ${deviceCount.get(f.id) ?? 0}  ${f.name}`,
        );
      }
      if (facilities.length === 0) out('no facilities yet (add-facility, or seed-demo)');
      return;
    }
    case 'seed-demo': {
      if ((await listFacilities(db)).length > 0) throw new RegistryError('the county already has facilities');
      const seeded = await seedCounty(db, DEMO_COUNTY);
      out(`seeded ${Object.keys(seeded).length} facilities`);
      return;
    }
    default:
      if (await runSlipKeyCommand(db, command, values, out)) return;
      if (await runReferralCommand(db, command, values, out)) return;
      throw new RegistryError(USAGE);
  }
}

async function main(): Promise<void> {
  const config = configFromEnv();
  const db = await openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.dataDir ? { dataDir: config.dataDir } : {}),
    poolSize: 2,
  });
  try {
    await runCountyCommand(db, process.argv.slice(2), (line) => console.log(line));
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  main().catch((error: unknown) => {
    console.error(error instanceof RegistryError ? error.message : error);
    process.exit(1);
  });
}
