import type { TFunction } from 'i18next';
import { SLIP_LABEL_KEYS, type SlipLabels } from './slip-template';

/** The slip's words in the current language (the slip prints in the language on screen). */
export function slipLabels(t: TFunction): SlipLabels & { footer: string } {
  const labels = Object.fromEntries(SLIP_LABEL_KEYS.map((key) => [key, t(`slip.doc.${key}`)])) as Record<
    (typeof SLIP_LABEL_KEYS)[number],
    string
  >;
  return {
    ...labels,
    // The template fills in the number itself, so the placeholder survives translation.
    age: t('slip.doc.age', { age: '{{age}}', interpolation: { escapeValue: false } }),
    sexes: { male: t('slip.sex.male'), female: t('slip.sex.female'), unknown: t('slip.sex.unknown') },
    directions: {
      up: t('slip.direction.up'),
      lateral: t('slip.direction.lateral'),
      down: t('slip.direction.down'),
    },
    types: {
      outpatient: t('slip.type.outpatient'),
      inpatient: t('slip.type.inpatient'),
      emergency: t('slip.type.emergency'),
    },
    footer: t('slip.doc.footer'),
  };
}
