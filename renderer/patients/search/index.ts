export { benchSearch } from './bench';
export { classifyQuery, type QueryClass } from './classify';
export {
  type DuplicateCandidate,
  type DuplicateProbe,
  type DuplicateReason,
  findDuplicateCandidates,
} from './duplicates';
export {
  type IndexablePatient,
  type MatchedOn,
  nameKey,
  PatientSearchIndex,
  type SearchablePatient,
  type SearchHit,
} from './patient-search-index';
export { type PinyinKeys, pinyinKeys, pinyinKeysMany } from './pinyin-keys';
