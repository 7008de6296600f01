import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A labelled form control with its hint and, when refused, its own error message. */
export function Field(props: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={props.id}>
        {props.label}
        {props.required ? (
          <span className="required" title={t('common.required')} aria-hidden="true">
            {' *'}
          </span>
        ) : null}
      </label>
      {props.children}
      {props.error ? (
        <div className="field-error" id={`${props.id}-error`} role="alert">
          {t(props.error)}
        </div>
      ) : props.hint ? (
        <div className="field-hint">{props.hint}</div>
      ) : null}
    </div>
  );
}
