import { type KeyboardEvent, type SyntheticEvent, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { ArrowUpIcon, StopIcon } from "../ui/icons";

export const MAX_MESSAGE_LENGTH = 32_000;

interface ComposerProps {
  /** Sends the text; resolves when the API accepted it (the draft is cleared then). */
  onSend: (content: string) => Promise<void>;
  /** Shown instead of Send while an answer is being written. */
  onStop?: () => void;
  busy?: boolean;
  disabled?: boolean;
}

/**
 * The message box. Enter sends and Shift+Enter adds a line; while an input method (Korean,
 * Japanese, Chinese) is composing, Enter only confirms the syllable, so nothing is sent twice.
 */
export function Composer({ onSend, onStop, busy = false, disabled = false }: ComposerProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState("");
  const [sending, setSending] = useState(false);
  const composing = useRef(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();

  const content = draft.trim();
  const canSend = content.length > 0 && content.length <= MAX_MESSAGE_LENGTH && !sending && !disabled && !busy;

  async function send() {
    if (!canSend) return;
    setSending(true);
    setDraft("");
    try {
      await onSend(content);
    } catch {
      // The caller shows the error; give the text back so nothing typed is lost.
      setDraft((current) => current || content);
    } finally {
      setSending(false);
      textarea.current?.focus();
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== "Enter" || event.shiftKey) return;
    if (isImeKey(event) || composing.current) return;
    event.preventDefault();
    void send();
  }

  function onSubmit(event: SyntheticEvent) {
    event.preventDefault();
    void send();
  }

  return (
    <form className="composer" onSubmit={onSubmit} aria-label={t("chat.composerLabel")}>
      <textarea
        ref={textarea}
        className="composer__input"
        value={draft}
        rows={1}
        maxLength={MAX_MESSAGE_LENGTH}
        placeholder={t("chat.placeholder")}
        aria-label={t("chat.messageLabel")}
        aria-describedby={hintId}
        disabled={disabled}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        onCompositionStart={() => (composing.current = true)}
        onCompositionEnd={() => {
          // Safari sends the Enter that confirmed the syllable after compositionend: ignore it too.
          window.setTimeout(() => (composing.current = false), 0);
        }}
      />
      <span id={hintId} className="visually-hidden">
        {t("chat.sendHint")}
      </span>
      {busy && onStop ? (
        <button type="button" className="icon-button composer__action" onClick={onStop} aria-label={t("chat.stop")}>
          <StopIcon />
        </button>
      ) : (
        <button type="submit" className="icon-button composer__action composer__send" disabled={!canSend} aria-label={t("chat.send")}>
          <ArrowUpIcon />
        </button>
      )}
    </form>
  );
}

/** True for a key the input method consumes (Enter that confirms a Hangul syllable). */
function isImeKey(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
  // keyCode 229 is the only signal some browsers give for keys the input method handled.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  return event.nativeEvent.isComposing || event.keyCode === 229;
}
