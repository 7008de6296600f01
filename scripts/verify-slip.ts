/**
 * Verifies a referral slip offline:
 *
 *   npm run verify-slip -- <slip.pdf | photo.png | code.txt | CODE> --keys facilities.json [--json]
 *   npm run verify-slip -- <…> --public-key 04… --facility 450881123
 *
 * Keys: a JSON file holding facility documents (as replicated, with their
 * `slipKeys`) or a list of { keyId, publicKey, facilityCode, retiredAt? }, or
 * one public key given with the facility code it belongs to. A key the county
 * retired verifies only slips issued before its retirement. Exit code 0:
 * valid; 1: not valid (the reason is printed); 2: wrong usage or unreadable input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type KnownSlipKey,
  retiredOn,
  type SlipVerification,
  slipKeyId,
  verifySlipCode,
} from '../sync/protocol/referral/slip';
import type { FacilityDoc } from '../sync/protocol/schema';
import { slipCodeFromFile } from './slip-images';

export class UsageError extends Error {}

export function keysFromJson(json: unknown): KnownSlipKey[] {
  const list = Array.isArray(json) ? json : [json];
  return list.flatMap((entry): KnownSlipKey[] => {
    const item = entry as Partial<FacilityDoc & KnownSlipKey>;
    if (Array.isArray(item.slipKeys) && item.code)
      return item.slipKeys.map((key) => ({
        keyId: key.keyId,
        publicKey: key.publicKey,
        facilityCode: item.code as string,
        ...(item.name ? { facilityName: item.name } : {}),
        ...(key.retiredAt ? { retiredAt: key.retiredAt } : {}),
      }));
    if (item.keyId && item.publicKey && item.facilityCode)
      return [
        {
          keyId: item.keyId,
          publicKey: item.publicKey,
          facilityCode: item.facilityCode,
          ...(item.retiredAt ? { retiredAt: item.retiredAt } : {}),
        },
      ];
    return [];
  });
}

export function describeResult(result: SlipVerification): string {
  const lines = [
    result.ok
      ? 'VALID: signature matches the slip content'
      : `NOT VALID (${result.problem}): ${result.message}`,
  ];
  if (result.ok && result.key.retiredAt)
    lines.push(
      `  note          the key was retired on ${retiredOn(result.key.retiredAt)}, after this slip was issued`,
    );
  const c = result.content;
  if (c) {
    lines.push(
      `  serial        ${c.serialNo}`,
      `  referral      ${c.referralId}`,
      `  issued by     ${c.facilityName} (${c.facilityCode}) at ${c.issuedAt}`,
      `  patient       ${c.patientName}, ${c.patientSex}, born ${c.patientBirthDate || '?'}, ID …${c.patientIdTail || '?'}`,
      `  referral      ${c.direction} / ${c.type}, diagnoses ${c.diagnosisCodes.join(', ') || '-'}`,
      `  to            ${c.targetFacilityName || '-'} (${c.targetFacilityCode || '-'}) ${c.department} ${c.doctor} ${c.slotTime}`,
      `  by            ${c.referringDoctor}`,
      `  county        ${c.confirmation === 'confirmed' ? 'confirmed when printed' : 'NOT confirmed when printed (issued offline)'}`,
      `  reason digest ${c.reasonDigest}`,
      `  key           ${result.keyId ?? '?'}`,
    );
  }
  return lines.join('\n');
}

export function run(argv: string[]): { code: 0 | 1 | 2; output: string; result?: SlipVerification } {
  let args: ReturnType<typeof parse>;
  const parse = (list: string[]) =>
    parseArgs({
      args: list,
      allowPositionals: true,
      options: {
        keys: { type: 'string' },
        'public-key': { type: 'string' },
        facility: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  try {
    args = parse(argv);
    const [input] = args.positionals;
    if (!input) throw new UsageError('give a slip PDF, a picture, a text file or the code itself');
    const keys: KnownSlipKey[] = [];
    if (args.values.keys) keys.push(...keysFromJson(JSON.parse(readFileSync(args.values.keys, 'utf8'))));
    const publicKey = args.values['public-key'];
    if (publicKey) {
      if (!args.values.facility) throw new UsageError('--public-key needs --facility <facility code>');
      keys.push({
        keyId: slipKeyId(publicKey.toLowerCase()),
        publicKey: publicKey.toLowerCase(),
        facilityCode: args.values.facility,
      });
    }
    if (keys.length === 0)
      throw new UsageError('no keys: pass --keys <facilities.json> or --public-key … --facility …');
    const code = existsSync(input) ? slipCodeFromFile(input) : input;
    const result = verifySlipCode(code, keys);
    return {
      code: result.ok ? 0 : 1,
      output: args.values.json ? JSON.stringify(result, null, 2) : describeResult(result),
      result,
    };
  } catch (error) {
    const usage =
      'usage: npm run verify-slip -- <slip.pdf|picture.png|code.txt|CODE> (--keys facilities.json | --public-key 04… --facility CODE) [--json]';
    return { code: 2, output: `${(error as Error).message}\n${usage}` };
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '')) {
  const { code, output } = run(process.argv.slice(2));
  (code === 2 ? console.error : console.log)(output);
  process.exitCode = code;
}
