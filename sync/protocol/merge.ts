/**
 * Three-way, field-by-field merge for documents several clinics may edit (a
 * patient's demographics at the village station and at the township centre it
 * was referred to). The pusher's changes — the fields that differ between what
 * it assumed the county had and what it sends — are laid over the county's
 * current state; every other field keeps the county's value. When both sides
 * changed the same field, the later arrival at the gateway wins.
 */

/** Fields nobody may change after creation, and fields only the gateway writes. */
const FIXED_FIELDS = new Set(['id', 'facilityId', 'createdAt', 'createdBy', 'countySeq', 'countyTime']);

/** JSON equality that ignores key order: documents go through JSON on the wire anyway. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => !FIXED_FIELDS.has(key) && !sameJson(before[key], after[key]));
}

export function mergeFieldByField<T extends Record<string, unknown>>(assumed: T, pushed: T, current: T): T {
  const merged: Record<string, unknown> = { ...current };
  for (const field of changedFields(assumed, pushed)) {
    if (pushed[field] === undefined) delete merged[field];
    else merged[field] = pushed[field];
  }
  return merged as T;
}
