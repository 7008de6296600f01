import { type KeyboardEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { WaitingMark } from '../sync/WaitingMark';
import { ageOn } from './age';
import { type PatientIndex, survivorOf } from './use-patient-index';

interface Props {
  patientIndex: PatientIndex & { failure?: string };
  onOpen(id: string): void;
  onNew?(): void;
  /** Ids not to offer (the record itself, when picking a duplicate to merge). */
  exclude?: string;
  inputId?: string;
  label?: string;
}

/** Results while typing; ↑↓ moves, Enter opens, Alt+N starts a new registration. */
export function PatientSearch({
  patientIndex,
  onOpen,
  onNew,
  exclude,
  inputId = 'patient-search',
  label,
}: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [cursor, setCursor] = useState(0);
  const { index, summaries, ready, version, failure } = patientIndex;

  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks index changes the memo cannot see
  const hits = useMemo(() => {
    if (!ready || !query.trim()) return [];
    const seen = new Set<string>();
    const found: Array<{ id: string; matchedOn: string }> = [];
    for (const hit of index.search(query, 40)) {
      const id = survivorOf(summaries, hit.id);
      if (id === exclude || seen.has(id)) continue;
      seen.add(id);
      found.push({ id, matchedOn: hit.matchedOn });
    }
    return found.slice(0, 20);
  }, [index, summaries, query, ready, version, exclude]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setCursor((c) => Math.min(c + 1, hits.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setCursor((c) => Math.max(c - 1, 0));
    } else if (event.key === 'Enter') {
      const hit = hits[cursor];
      if (hit) onOpen(hit.id);
    } else if (event.key.toLowerCase() === 'n' && event.altKey && onNew) {
      event.preventDefault();
      onNew();
    }
  }

  return (
    <div className="patient-search">
      <label htmlFor={inputId} className="search-label">
        {label ?? t('patients.search')}
      </label>
      <input
        id={inputId}
        className="search-box"
        value={query}
        placeholder={t('patients.searchPlaceholder')}
        onChange={(event) => {
          setQuery(event.target.value);
          setCursor(0);
        }}
        onKeyDown={onKeyDown}
        autoFocus
        autoComplete="off"
        spellCheck={false}
        data-ready={ready ? 'true' : 'false'}
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls={`${inputId}-results`}
      />
      <div className={`search-status${failure ? ' warn' : ''}`} role={failure ? 'alert' : undefined}>
        {failure
          ? t('patients.indexFailed', { message: failure })
          : ready
            ? `${t('patients.indexed', { count: index.size })} · ${t('patients.searchHelp')}`
            : t('patients.indexing')}
      </div>
      <div className="results" id={`${inputId}-results`} role="listbox">
        {hits.map((hit, position) => {
          const patient = summaries.get(hit.id);
          if (!patient) return null;
          return (
            <div
              key={hit.id}
              role="option"
              tabIndex={-1}
              aria-selected={position === cursor}
              className={position === cursor ? 'selected' : ''}
              onMouseDown={() => onOpen(hit.id)}
              data-testid="search-result"
            >
              <span className="result-name">{patient.name}</span>
              <span className="result-meta">
                {t(`sex.${patient.sex}`)} · {t('patients.age', { age: ageOn(patient.birthDate) })} ·{' '}
                {patient.idNumber ? `…${patient.idNumber.slice(-4)}` : ''} {patient.phone ?? ''}
              </span>
              <span className="result-why">{t(`patients.matchedOn.${hit.matchedOn}`)}</span>
              {patient.status !== 'active' ? (
                <span className="badge">{t(`patients.status.${patient.status}`)}</span>
              ) : null}
              <WaitingMark document={patient} />
            </div>
          );
        })}
        {ready && query.trim() && hits.length === 0 ? (
          <div className="empty">{t('patients.noResults')}</div>
        ) : null}
      </div>
    </div>
  );
}
