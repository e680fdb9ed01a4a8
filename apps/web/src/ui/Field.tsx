import { type ReactNode, useId } from "react";
import type { FieldError } from "react-hook-form";
import { useTranslation } from "react-i18next";

interface FieldProps {
  label: string;
  hint?: string;
  error?: FieldError;
  /** Renders the control with the ids that tie it to its label, hint and error. */
  children: (control: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}

/** A labelled form control with its hint and its validation message (read by screen readers). */
export function Field({ label, hint, error, children }: FieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {children({ id, "aria-invalid": Boolean(error), "aria-describedby": describedBy })}
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error?.message ? (
        <p id={errorId} className="field__error">
          {t(error.message as never)}
        </p>
      ) : null}
    </div>
  );
}
