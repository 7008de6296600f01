import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientDoc } from '../../../sync/protocol/schema';
import { useSignedIn } from '../../app/app-store';
import { ActionPanel } from './ActionPanel';
import { Deadline } from './Deadline';
import type { InboxItem, InboxSection } from './inbox';
import { useFacilityNames, useInbox, useNow, usePatients } from './inbox-data';
import { ReferralDetail } from './ReferralDetail';
import './inbox.css';

const SECTIONS: InboxSection[] = ['review', 'receiving', 'finished'];

/**
 * 转诊收件箱: what this facility has to review (its own outgoing reviews and
 * incoming reviews as a target, deadlines counting down), the patients it
 * receives (arrangement, arrival, completion, downward feedback), and what is over.
 */
export function InboxPage() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const now = useNow();
  const items = useInbox(db, session, now);
  const names = useFacilityNames(db);
  const patients = usePatients(
    db,
    items.map((item) => item.referral.patientId),
  );
  const [selectedId, setSelectedId] = useState<string>();
  const selected = items.find((item) => item.referral.id === selectedId) ?? items[0];

  return (
    <div className="inbox-page">
      <h1>{t('inbox.title')}</h1>
      <div className="inbox-columns">
        <nav className="inbox-list" aria-label={t('inbox.title')}>
          {items.length === 0 ? <p className="note">{t('inbox.empty')}</p> : null}
          {SECTIONS.map((section) => {
            const inSection = items.filter((item) => item.section === section);
            if (inSection.length === 0) return null;
            return (
              <section key={section} data-testid={`inbox-section-${section}`}>
                <h2>
                  {t(`inbox.section.${section}`)} <span className="badge">{inSection.length}</span>
                </h2>
                <ul>
                  {inSection.map((item) => (
                    <InboxRow
                      key={item.referral.id}
                      item={item}
                      now={now}
                      patient={patients.get(item.referral.patientId)}
                      from={names.get(item.referral.facilityId)}
                      selected={item === selected}
                      onSelect={() => setSelectedId(item.referral.id)}
                    />
                  ))}
                </ul>
              </section>
            );
          })}
        </nav>
        {selected ? (
          <div className="inbox-main">
            <ReferralDetail
              item={selected}
              now={now}
              patient={patients.get(selected.referral.patientId)}
              names={names}
            />
            <ActionPanel key={`${selected.referral.id}:${selected.referral.appliedSeq}`} item={selected} />
          </div>
        ) : null}
      </div>
    </div>
  );
}

function InboxRow(props: {
  item: InboxItem;
  now: Date;
  patient: PatientDoc | undefined;
  from: string | undefined;
  selected: boolean;
  onSelect(): void;
}) {
  const { t } = useTranslation();
  const { referral, step, waiting } = props.item;
  return (
    <li>
      <button
        type="button"
        className={`inbox-row${props.selected ? ' selected' : ''}`}
        data-testid="inbox-item"
        data-referral-id={referral.id}
        data-state={referral.state}
        aria-pressed={props.selected}
        onClick={props.onSelect}
      >
        <span className="inbox-row-head">
          <strong>{props.patient?.name ?? t('inbox.patientNotHere')}</strong>
          <span className="badge">{t(`inbox.type.${referral.type}`)}</span>
          <span className="badge">{t(`inbox.direction.${referral.direction}`)}</span>
        </span>
        <span className="note">
          {props.from ?? referral.facilityId} · {referral.serialNo}
        </span>
        <span className="inbox-row-state">
          {step ? t(`inbox.step.${step.stage}.${step.level}`) : t(`inbox.state.${referral.state}`)}
          {waiting.length > 0 ? <span className="badge waiting">{t('inbox.waiting')}</span> : null}
        </span>
        <Deadline deadline={referral.reviewDeadline} now={props.now} running={Boolean(step)} />
      </button>
    </li>
  );
}
