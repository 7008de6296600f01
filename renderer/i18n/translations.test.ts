import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messagesFor } from './index';

const zhCN = messagesFor('zh-CN');
const en = messagesFor('en');

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function lookup(tree: object, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
}

describe('translation files', () => {
  it('have the same keys in Chinese and English, shared and feature files together', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it('have no empty message', () => {
    for (const key of keys(zhCN)) expect(lookup(zhCN, key), key).not.toBe('');
    for (const key of keys(en)) expect(lookup(en, key), key).not.toBe('');
  });

  it('cover every error key the registration rules can produce', () => {
    const source = readFileSync(join(import.meta.dirname, '..', 'patients', 'patient-input.ts'), 'utf8');
    const literalProblems = [...source.matchAll(/error\('(\w+)', '([\w-]+)'\)/g)].map(
      ([, field, problem]) => `patient.error.${field}.${problem}`,
    );
    const idProblems = [
      'empty',
      'length',
      'characters',
      'region',
      'birth-date',
      'future-birth',
      'checksum',
    ].map((p) => `patient.error.idNumber.${p}`);
    const phoneProblems = ['empty', 'letters', 'length', 'format'].map((p) => `patient.error.phone.${p}`);
    expect(literalProblems.length).toBeGreaterThan(10);
    for (const key of [...literalProblems, ...idProblems, ...phoneProblems])
      expect(lookup(zhCN, key), key).toBeTypeOf('string');
  });
});
