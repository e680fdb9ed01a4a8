import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { ConsoleOverview, DeadLetter } from "../api/types";
import { StatusBadge } from "../stories/StatusBadge";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useErrorMessage } from "../ui/useErrorMessage";
import { useConsoleOverview, useDeadLetters, useRedrive } from "./consoleQueries";

/** The operators' console: queue health, recent jobs and failures, and the dead letters. */
export function ConsolePage() {
  const { t } = useTranslation();
  const overview = useConsoleOverview();
  const errorMessage = useErrorMessage();
  useDocumentTitle(t("console.title"));

  return (
    <main className="page console" aria-labelledby="console-title">
      <h1 id="console-title" className="page__title">
        {t("console.title")}
      </h1>
      {overview.isError ? (
        <p className="notice notice--error" role="alert">
          {errorMessage(overview.error)}
        </p>
      ) : null}
      {overview.isPending ? <p className="muted">{t("common.loading")}</p> : null}
      {overview.data ? <Overview overview={overview.data} /> : null}
      {overview.data ? <DeadLetters /> : null}
    </main>
  );
}

function Overview({ overview }: { overview: ConsoleOverview }) {
  const { t } = useTranslation();
  const { queue } = overview;
  const tiles = [
    [t("console.waiting"), String(queue.visible)],
    [t("console.inFlight"), String(queue.in_flight)],
    [t("console.deadLetters"), String(queue.dead_letters)],
    [t("console.oldestAge"), t("console.seconds", { count: Math.round(queue.oldest_age_seconds) })],
  ];
  return (
    <>
      <section className="card" aria-labelledby="console-queue">
        <h2 id="console-queue" className="section-title">
          {t("console.queue")}
        </h2>
        <dl className="console__tiles">
          {tiles.map(([label, value]) => (
            <div key={label} className="console__tile">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="card" aria-labelledby="console-jobs">
        <h2 id="console-jobs" className="section-title">
          {t("console.jobsLastHour")}
        </h2>
        {overview.jobs_last_hour.length === 0 ? <p className="muted">{t("console.none")}</p> : null}
        <ul className="console__list">
          {overview.jobs_last_hour.map((row) => (
            <li key={`${row.kind}-${row.status}`}>
              <span>{t(`console.kinds.${row.kind}`)}</span> <StatusBadge status={row.status} /> <strong>{row.count}</strong>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="console-failures">
        <h2 id="console-failures" className="section-title">
          {t("console.failures", { hours: overview.failures_hours })}
        </h2>
        {overview.failures.length === 0 ? <p className="muted">{t("console.none")}</p> : null}
        <ul className="console__list">
          {overview.failures.map((failure) => (
            <li key={failure.error_code}>
              <code>{failure.error_code}</code> <strong>{failure.count}</strong>{" "}
              <span className="muted">{t("console.lastAt", { time: new Date(failure.last_at).toLocaleString() })}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function DeadLetters() {
  const { t } = useTranslation();
  const letters = useDeadLetters();
  const redrive = useRedrive();
  const errorMessage = useErrorMessage();
  const [confirming, setConfirming] = useState(false);
  const count = letters.data?.length ?? 0;

  return (
    <section className="card" aria-labelledby="console-dead-letters">
      <h2 id="console-dead-letters" className="section-title">
        {t("console.deadLetterList")}
      </h2>
      {letters.isError ? (
        <p className="notice notice--error" role="alert">
          {errorMessage(letters.error)}
        </p>
      ) : null}
      {letters.data && count === 0 ? <p className="muted">{t("console.noDeadLetters")}</p> : null}
      <ul className="console__list">
        {letters.data?.map((letter) => <DeadLetterItem key={letter.message_id} letter={letter} />)}
      </ul>
      {redrive.data ? (
        <p className="notice notice--success" role="status">
          {t("console.redriven", { retried: redrive.data.retried, moved: redrive.data.moved })}
        </p>
      ) : null}
      {redrive.isError ? (
        <p className="notice notice--error" role="alert">
          {errorMessage(redrive.error)}
        </p>
      ) : null}
      <button
        type="button"
        className="button button--primary"
        disabled={count === 0 || redrive.isPending}
        onClick={() => setConfirming(true)}
      >
        {t("console.redrive")}
      </button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={t("console.redriveTitle")}
        description={t("console.redriveDescription", { count })}
        confirmLabel={t("console.redrive")}
        onConfirm={() => redrive.mutate()}
      />
    </section>
  );
}

function DeadLetterItem({ letter }: { letter: DeadLetter }) {
  const { t } = useTranslation();
  const job = letter.kind && letter.job_id !== null ? `${letter.kind}-${letter.job_id}` : t("console.unreadable");
  return (
    <li className="console__dead-letter">
      <strong>{job}</strong>{" "}
      <span className="muted">
        {t("console.letterMeta", { attempt: letter.attempt ?? "-", receives: letter.receive_count, status: letter.status })}
      </span>
      <div>
        <code>{letter.error_code}</code> {letter.error}
      </div>
      <div className="muted">{t(`console.actions.${letter.action}`)}</div>
    </li>
  );
}
