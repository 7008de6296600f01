// Duplicate registration check before creating a patient (and in the receiving
// hospital before accepting a referral). Returns candidates for a person to
// review; merging is a separate, audited action.
import { normaliseIdNumber } from '../../../sync/protocol/identity/id-number';
import { nameKey, PatientSearchIndex, type SearchablePatient } from './patient-search-index';

export type DuplicateReason = 'same-id-number' | 'same-name-and-birth-date';
export type DuplicateCandidate = { id: string; reason: DuplicateReason };
export type DuplicateProbe = { id?: string; name: string; birthDate?: string; idNumber?: string };

/** Date part only, so "1980-03-01" and "1980-03-01T00:00:00+08:00" compare equal. */
function dateKey(d: string | undefined): string {
  return d ? d.trim().slice(0, 10) : '';
}

/**
 * Patients that may be the same person as `candidate`, excluding the candidate's
 * own record. Each patient appears once, with the strongest reason: the same ID
 * number is near-certain, the same name and birth date is a prompt to compare.
 * Name + birth date is reported even when both records carry different ID
 * numbers, because a mistyped ID number is exactly how duplicates arise.
 */
export function findDuplicateCandidates(
  candidate: DuplicateProbe,
  patients: PatientSearchIndex | readonly SearchablePatient[],
): DuplicateCandidate[] {
  const isIndex = patients instanceof PatientSearchIndex;
  const list = isIndex ? patients.values() : patients;
  const wantId = candidate.idNumber ? normaliseIdNumber(candidate.idNumber) : '';
  // The index keeps ID numbers normalised, so it can answer without re-normalising every record.
  const sameId = isIndex && wantId !== '' ? new Set(patients.idsWithIdNumber(wantId)) : undefined;
  const wantName = nameKey(candidate.name);
  const wantBirth = dateKey(candidate.birthDate);
  const byId: DuplicateCandidate[] = [];
  const byNameBirth: DuplicateCandidate[] = [];
  for (const p of list) {
    if (candidate.id !== undefined && p.id === candidate.id) continue;
    const idMatch = sameId
      ? sameId.has(p.id)
      : wantId !== '' && p.idNumber !== undefined && normaliseIdNumber(p.idNumber) === wantId;
    if (idMatch) {
      byId.push({ id: p.id, reason: 'same-id-number' });
    } else if (
      wantBirth !== '' &&
      dateKey(p.birthDate) === wantBirth &&
      wantName !== '' &&
      nameKey(p.name) === wantName
    ) {
      // Birth date first: it is the cheaper and more selective comparison.
      byNameBirth.push({ id: p.id, reason: 'same-name-and-birth-date' });
    }
  }
  return [...byId, ...byNameBirth];
}
