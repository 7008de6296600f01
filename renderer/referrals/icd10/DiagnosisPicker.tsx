import { type KeyboardEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Diagnosis } from '../../../sync/protocol/schema/care';
import { diagnosisIndex, searchDiagnoses } from './search';

interface Props {
  id: string;
  value: Diagnosis[];
  onChange(value: Diagnosis[]): void;
  invalid?: boolean;
}

/** ICD-10 diagnoses: type a code, a name or its pinyin; ↑↓ moves, Enter adds; the first is the main one. */
export function DiagnosisPicker({ id, value, onChange, invalid }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [cursor, setCursor] = useState(0);
  // Building the index reads ~600 names as pinyin (a few hundred ms cold): do it while the doctor reads the form.
  useEffect(() => {
    const timer = setTimeout(diagnosisIndex, 0);
    return () => clearTimeout(timer);
  }, []);
  const hits = useMemo(() => {
    const chosen = new Set(value.map((d) => d.code));
    return searchDiagnoses(diagnosisIndex(), query, 12).filter((hit) => !chosen.has(hit.code));
  }, [query, value]);

  const add = (diagnosis: Diagnosis) => {
    onChange([...value, { code: diagnosis.code, name: diagnosis.name }]);
    setQuery('');
    setCursor(0);
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') setCursor((c) => Math.min(c + 1, hits.length - 1));
    else if (event.key === 'ArrowUp') setCursor((c) => Math.max(c - 1, 0));
    else if (event.key === 'Enter') {
      event.preventDefault();
      const hit = hits[cursor];
      if (hit) add(hit);
    } else return;
    event.preventDefault();
  };

  return (
    <div className="diagnosis-picker">
      {value.length > 0 ? (
        <ol className="diagnoses" data-testid="chosen-diagnoses">
          {value.map((diagnosis, i) => (
            <li key={diagnosis.code}>
              <span className="mono">{diagnosis.code}</span> {diagnosis.name}
              {i === 0 ? <span className="badge">{t('icd10.main')}</span> : null}
              <button
                type="button"
                className="link"
                aria-label={t('icd10.remove', { name: diagnosis.name })}
                onClick={() => onChange(value.filter((d) => d.code !== diagnosis.code))}
              >
                ×
              </button>
            </li>
          ))}
        </ol>
      ) : null}
      <input
        id={id}
        value={query}
        autoComplete="off"
        placeholder={t('icd10.placeholder')}
        aria-invalid={invalid || undefined}
        onChange={(event) => {
          setQuery(event.target.value);
          setCursor(0);
        }}
        onKeyDown={onKey}
      />
      {query.trim() ? (
        hits.length > 0 ? (
          <ul className="icd-hits" aria-label={t('icd10.results')} data-testid="icd-hits">
            {hits.map((hit, i) => (
              <li key={hit.code}>
                <button
                  type="button"
                  onClick={() => add(hit)}
                  className={i === cursor ? 'icd-hit active' : 'icd-hit'}
                  aria-current={i === cursor || undefined}
                >
                  <span className="mono">{hit.code}</span> {hit.name}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="note">{t('icd10.none')}</p>
        )
      ) : null}
    </div>
  );
}
