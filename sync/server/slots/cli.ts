/**
 * `county-cli slots …`: the county's slot administration (file import for
 * hospitals without an interface, the nightly report, quota rules, 停诊,
 * department names, the no-show policy).
 */
import { parseArgs } from 'node:util';
import { SLOT_KINDS } from '../../protocol/schema/scheduling';
import type { PublishResponse, SlotKind } from '../../protocol/slots';
import type { Database } from '../db/driver';
import { facilityByCode, listFacilities, RegistryError } from '../facilities/registry';
import { renameDepartment, setDoctorSuspended } from './base-info';
import { SlotError } from './errors';
import type { AllocationRule } from './rules';
import { directoryOf, SlotService } from './service';
import { readSlotSheet } from './sheet';

export const SLOT_USAGE = `county-cli slots <command>
  import FILE --hospital CODE           publish a .csv/.xlsx slot sheet (each bad row reported by line)
  report [--night YYYY-MM-DD]           hospitals whose upload for the night was late or missing
  rule --hospital CODE --share 0.2 --to CODE[,CODE…] [--kind outpatient] [--department ID|NAME] [--doctor ID|NAME]
                                        quota: share of green slots allocated to primary facilities
  rules [--hospital CODE]               the quota rules
  drop-rule --hospital CODE [--kind K] [--department ID|NAME] [--doctor ID|NAME]
  suspend --hospital CODE --doctor ID|NAME [--from YYYY-MM-DD]
                                        停诊: the doctor's slots from that day on (default today)
  resume --hospital CODE --doctor ID|NAME   lift the suspension
  rename-department --hospital CODE --department ID|NAME --name NEW
  blacklist [--no-shows N --within-days D --block-days B]   show or set the no-show policy`;

const ADMIN = 'county-admin';
const WRITER = { facilityId: null, deviceId: null, userId: ADMIN };

export async function runSlotCommand(
  db: Database,
  argv: string[],
  out: (line: string) => void,
  /** The clock of the county's day (tests); default the database clock. */
  clock?: () => Date,
): Promise<void> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      hospital: { type: 'string' },
      night: { type: 'string' },
      share: { type: 'string' },
      to: { type: 'string' },
      kind: { type: 'string' },
      department: { type: 'string' },
      doctor: { type: 'string' },
      from: { type: 'string' },
      name: { type: 'string' },
      'no-shows': { type: 'string' },
      'within-days': { type: 'string' },
      'block-days': { type: 'string' },
    },
    strict: true,
  });
  const need = (key: keyof typeof values): string => {
    const value = values[key];
    if (typeof value !== 'string' || value === '')
      throw new RegistryError(`--${key} is required\n\n${SLOT_USAGE}`);
    return value;
  };
  const service = new SlotService(db, { sweepIntervalMs: 0, ...(clock ? { clock } : {}) });
  try {
    switch (command) {
      case 'import': {
        const file = positionals[0];
        if (!file) throw new RegistryError(`name the file to import\n\n${SLOT_USAGE}`);
        const hospital = await facilityByCode(db, need('hospital'));
        const sheet = await readSlotSheet(file);
        const result = await service.publish({
          hospitalId: hospital.id,
          rows: sheet.rows.map((row) => row.fields),
          source: 'import',
          userId: ADMIN,
          rowNumber: (index) => sheet.rows[index]?.line ?? index,
          earlierProblems: sheet.problems,
        });
        printPublish(result, hospital.name, out);
        return;
      }
      case 'report': {
        const report = await service.uploadReport(values.night);
        const late = report.hospitals.filter((h) => h.upload.status !== 'on-time');
        out(`Nightly slot uploads for ${report.night} (deadline 01:00 Asia/Shanghai):`);
        for (const h of report.hospitals) {
          const when = 'at' in h.upload ? ` at ${h.upload.at}` : '';
          out(`  ${h.code.padEnd(10)} ${h.upload.status.padEnd(8)}${when}  ${h.name}`);
        }
        out(
          late.length === 0
            ? 'Every hospital uploaded on time.'
            : `${late.length} hospital(s) late or missing.`,
        );
        return;
      }
      case 'rule': {
        const rule = await ruleOf(db, values, need);
        const share = Number(need('share'));
        const facilityIds: string[] = [];
        for (const code of need('to').split(','))
          facilityIds.push((await facilityByCode(db, code.trim())).id);
        await service.setRule({ ...rule, share, facilityIds });
        out(`quota rule set: ${Math.round(share * 1000) / 10}% of ${rule.kind} green slots → ${need('to')}`);
        out('It applies to slots published from now on; slots already at the county keep their allocation.');
        return;
      }
      case 'rules': {
        const hospitalId = values.hospital ? (await facilityByCode(db, values.hospital)).id : undefined;
        const rules = await service.rules(hospitalId);
        const facilities = new Map((await listFacilities(db)).map((f) => [f.id, f]));
        const directories = new Map<string, Awaited<ReturnType<typeof directoryOf>>>();
        for (const r of rules) {
          const directory = directories.get(r.hospitalId) ?? (await directoryOf(db, r.hospitalId));
          directories.set(r.hospitalId, directory);
          const department = directory.departments.find((d) => d.id === r.departmentId)?.name ?? '*';
          const doctor = directory.doctors.find((d) => d.id === r.doctorId)?.name ?? '*';
          const to = r.facilityIds.map((id) => facilities.get(id)?.code ?? id).join(',');
          out(
            `${facilities.get(r.hospitalId)?.code ?? r.hospitalId} ${r.kind} department ${department} doctor ${doctor}: ${Math.round(r.share * 1000) / 10}% → ${to}`,
          );
        }
        if (rules.length === 0) out('no quota rules');
        return;
      }
      case 'drop-rule': {
        const dropped = await service.dropRule(await ruleOf(db, values, need));
        out(dropped ? 'quota rule removed' : 'no such quota rule');
        return;
      }
      case 'suspend':
      case 'resume': {
        const suspended = command === 'suspend';
        const { doctorId } = await resolveNames(db, need('hospital'), { doctor: need('doctor') });
        const changed = await setDoctorSuspended(
          db,
          { doctorId, suspended, from: values.from ?? (await service.today()) },
          WRITER,
        );
        out(
          `doctor ${need('doctor')} ${suspended ? 'suspended (停诊)' : 'reinstated'}; ${changed} slot(s) changed`,
        );
        return;
      }
      case 'rename-department': {
        const { hospitalId, departmentId } = await resolveNames(db, need('hospital'), {
          department: need('department'),
        });
        await renameDepartment(db, { facilityId: hospitalId, departmentId, name: need('name') }, WRITER);
        out(`department ${need('department')} of ${need('hospital')} is now ${need('name')}`);
        return;
      }
      case 'blacklist': {
        if (values['no-shows'] !== undefined) {
          await service.setPolicy({
            noShows: Number(need('no-shows')),
            withinDays: Number(need('within-days')),
            blockDays: Number(need('block-days')),
          });
        }
        const policy = await service.policy();
        out(
          policy.noShows === 0
            ? 'no blacklist: no-shows never block online booking'
            : `${policy.noShows} no-shows within ${policy.withinDays} days block online booking for ${policy.blockDays} days`,
        );
        return;
      }
      default:
        throw new RegistryError(SLOT_USAGE);
    }
  } catch (error) {
    if (error instanceof SlotError) throw new RegistryError(error.message);
    throw error;
  } finally {
    await service.stop();
  }
}

function printPublish(result: PublishResponse, hospital: string, out: (line: string) => void): void {
  out(
    `${hospital}: ${result.created} new, ${result.updated} changed, ${result.unchanged} unchanged, ${result.allocated} allocated to primary facilities`,
  );
  if (result.rejected.length === 0) {
    out('every row was taken');
    return;
  }
  out(`${new Set(result.rejected.map((r) => r.row)).size} row(s) not taken:`);
  for (const problem of result.rejected) {
    out(`  line ${problem.row}${problem.field ? ` (${problem.field})` : ''}: ${problem.reason}`);
  }
}

/** The rule's key from the flags: hospital, kind, and department/doctor by id or name. */
async function ruleOf(
  db: Database,
  values: { kind?: string | undefined; department?: string | undefined; doctor?: string | undefined },
  need: (key: 'hospital') => string,
): Promise<Pick<AllocationRule, 'hospitalId' | 'kind' | 'departmentId' | 'doctorId'>> {
  const kind = (values.kind ?? 'outpatient') as SlotKind;
  if (!(SLOT_KINDS as readonly string[]).includes(kind)) {
    throw new RegistryError(`--kind must be one of ${SLOT_KINDS.join(', ')}`);
  }
  return { kind, ...(await resolveNames(db, need('hospital'), values)) };
}

/** A hospital by code, and its department and doctor by id or name ('' when not asked for). */
async function resolveNames(
  db: Database,
  hospitalCode: string,
  refs: { department?: string | undefined; doctor?: string | undefined },
): Promise<{ hospitalId: string; departmentId: string; doctorId: string }> {
  const hospital = await facilityByCode(db, hospitalCode);
  const directory = await directoryOf(db, hospital.id);
  const pick = (list: ReadonlyArray<{ id: string; name: string }>, ref: string | undefined, what: string) => {
    if (!ref) return '';
    const found = list.filter((item) => item.id === ref || item.name === ref);
    if (found.length !== 1 || !found[0])
      throw new RegistryError(`${hospital.name} has no single ${what} "${ref}"`);
    return found[0].id;
  };
  return {
    hospitalId: hospital.id,
    departmentId: pick(directory.departments, refs.department, 'department'),
    doctorId: pick(directory.doctors, refs.doctor, 'doctor'),
  };
}
