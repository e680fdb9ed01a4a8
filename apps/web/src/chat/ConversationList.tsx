import { type SyntheticEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

import type { Conversation } from "../api/types";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { PencilIcon, PlusIcon, TrashIcon } from "../ui/icons";
import { useConversations, useDeleteConversation, useRenameConversation } from "./conversationQueries";

interface ConversationListProps {
  activeId: number | null;
  onNew: () => void;
  /** Called after a choice, so the phone drawer can close. */
  onNavigate?: () => void;
  onDeleted: (id: number) => void;
}

export function ConversationList({ activeId, onNew, onNavigate, onDeleted }: ConversationListProps) {
  const { t } = useTranslation();
  const conversations = useConversations();
  const remove = useDeleteConversation();
  const [pendingDelete, setPendingDelete] = useState<Conversation | null>(null);

  return (
    <nav className="conversation-list" aria-label={t("chat.conversations")}>
      <button type="button" className="button button--primary conversation-list__new" onClick={onNew}>
        <PlusIcon />
        {t("chat.newConversation")}
      </button>
      {conversations.isError ? (
        <p className="notice notice--error" role="alert">
          {t("errors.loadFailed")}
        </p>
      ) : null}
      {conversations.data?.length === 0 ? <p className="conversation-list__empty">{t("chat.noConversations")}</p> : null}
      <ul>
        {conversations.data?.map((conversation) => (
          <ConversationRow
            key={conversation.id}
            conversation={conversation}
            active={conversation.id === activeId}
            onNavigate={onNavigate}
            onDelete={() => setPendingDelete(conversation)}
          />
        ))}
      </ul>
      <ConfirmDialog
        open={pendingDelete !== null}
        title={t("chat.deleteTitle")}
        description={t("chat.deleteDescription", { title: pendingDelete?.title || t("chat.untitled") })}
        confirmLabel={t("common.delete")}
        onOpenChange={(open) => {
          if (!open) setPendingDelete(null);
        }}
        onConfirm={() => {
          if (!pendingDelete) return;
          const id = pendingDelete.id;
          remove.mutate(id, { onSuccess: () => onDeleted(id) });
          setPendingDelete(null);
        }}
      />
    </nav>
  );
}

interface ConversationRowProps {
  conversation: Conversation;
  active: boolean;
  onNavigate?: () => void;
  onDelete: () => void;
}

function ConversationRow({ conversation, active, onNavigate, onDelete }: ConversationRowProps) {
  const { t } = useTranslation();
  const rename = useRenameConversation();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(conversation.title);
  const label = conversation.title || t("chat.untitled");

  function save(event: SyntheticEvent) {
    event.preventDefault();
    const trimmed = title.trim();
    if (trimmed && trimmed !== conversation.title) rename.mutate({ id: conversation.id, title: trimmed });
    setEditing(false);
  }

  if (editing) {
    return (
      <li className="conversation-row conversation-row--editing">
        <form onSubmit={save}>
          <input
            className="input input--compact"
            value={title}
            maxLength={200}
            aria-label={t("chat.renameLabel")}
            // Moving focus into the field the user just asked for is expected here.
            // eslint-disable-next-line jsx-a11y/no-autofocus
            autoFocus
            onChange={(event) => setTitle(event.target.value)}
            onBlur={save}
            onKeyDown={(event) => {
              if (event.key === "Escape") setEditing(false);
            }}
          />
        </form>
      </li>
    );
  }

  return (
    <li className={`conversation-row${active ? " conversation-row--active" : ""}`}>
      <NavLink
        to={`/chat/${conversation.id}`}
        className="conversation-row__link"
        onClick={onNavigate}
      >
        {label}
      </NavLink>
      <div className="conversation-row__actions">
        <button
          type="button"
          className="icon-button icon-button--small"
          aria-label={t("chat.renameConversation", { title: label })}
          onClick={() => {
            setTitle(conversation.title);
            setEditing(true);
          }}
        >
          <PencilIcon />
        </button>
        <button
          type="button"
          className="icon-button icon-button--small"
          aria-label={t("chat.deleteConversation", { title: label })}
          onClick={onDelete}
        >
          <TrashIcon />
        </button>
      </div>
    </li>
  );
}
