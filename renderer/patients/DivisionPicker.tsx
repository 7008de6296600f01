import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { divisionLabel, searchDivisions } from '../../sync/protocol/identity/divisions';

/** GB/T 2260 division by name or pinyin initials; stores the code, shows the label. */
export function DivisionPicker(props: {
  id: string;
  value: string;
  onChange(code: string): void;
  invalid?: boolean;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const options = useMemo(() => (query.trim() ? searchDivisions(query, 8) : []), [query]);
  const label = props.value ? (divisionLabel(props.value) ?? props.value) : '';

  return (
    <div className="division-picker">
      <input
        id={props.id}
        value={open ? query : label}
        placeholder={t('patient.hint.division')}
        aria-invalid={props.invalid}
        onFocus={() => {
          setOpen(true);
          setQuery('');
        }}
        onBlur={() => setOpen(false)}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          const first = options[0];
          if (event.key === 'Enter' && first) {
            event.preventDefault();
            props.onChange(first.code);
            setOpen(false);
          }
        }}
        autoComplete="off"
      />
      {open && options.length > 0 ? (
        <ul className="suggestions">
          {options.map((option) => (
            <li
              key={option.code}
              onMouseDown={() => {
                props.onChange(option.code);
                setOpen(false);
              }}
            >
              {option.label} <span className="code">{option.code}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
