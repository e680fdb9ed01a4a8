import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { api } from "../api/client";
import { isApiError, unwrap } from "../api/errors";
import { queryKeys } from "../api/queryKeys";
import type { Story } from "../api/types";
import { ErrorNotice } from "../chat/ErrorNotice";
import { liveStatus, streamPath, useJobStream } from "../stream/useJobStream";
import { ChevronLeftIcon, RefreshIcon, StopIcon } from "../ui/icons";
import { useErrorMessage } from "../ui/useErrorMessage";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { StoryBook } from "./StoryBook";
import { useStory } from "./storyQueries";

export function StoryPage() {
  const { t } = useTranslation();
  const id = Number(useParams().storyId);
  const story = useStory(id);
  const errorMessage = useErrorMessage();
  useDocumentTitle(story.data?.title || t("stories.title"));

  return (
    <main className="page page--narrow" aria-labelledby="story-title">
      <Link to="/stories" className="back-link">
        <ChevronLeftIcon />
        {t("stories.back")}
      </Link>
      {story.isPending ? <p>{t("common.loading")}</p> : null}
      {story.isError ? (
        <p className="notice notice--error" role="alert">
          {isApiError(story.error, 404) ? t("stories.notFound") : errorMessage(story.error)}
        </p>
      ) : null}
      {story.data ? <StoryContent story={story.data} /> : null}
    </main>
  );
}

function StoryContent({ story }: { story: Story }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const queryClient = useQueryClient();
  const key = queryKeys.story(story.id);
  const stream = useJobStream(streamPath("stories", story.id, story.status), String(story.attempt), () => {
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: queryKeys.stories, exact: true });
  });
  const status = liveStatus(story.status, stream);

  const path = { params: { path: { story_id: story.id } } };
  const retry = useMutation({
    mutationFn: () => unwrap(api.POST("/api/stories/{story_id}/retry", path)),
    onSuccess: (updated) => queryClient.setQueryData(key, updated),
  });
  const stop = useMutation({
    mutationFn: () => unwrap(api.POST("/api/stories/{story_id}/stop", path)),
    onSuccess: (updated) => queryClient.setQueryData(key, updated),
  });
  const actionError = retry.error ?? stop.error;

  if (status === "done" && story.status === "done") return <StoryBook story={story} />;

  const written = stream.started ? stream.text.length : story.content.length;
  return (
    <section className="story-progress" aria-labelledby="story-title">
      <h1 id="story-title" className="page__title">
        {t("stories.writingFor", { name: story.child_name })}
      </h1>
      <p className="page__lead">{t("stories.meta", { name: story.child_name, age: story.age, theme: story.theme })}</p>
      {status === "queued" || status === "running" || status === "done" ? (
        <div className="story-progress__live" role="status" aria-live="polite">
          <div className="story-progress__bar" aria-hidden="true">
            <span />
          </div>
          <p>{status === "queued" ? t("stories.queued") : t("stories.writing", { count: written })}</p>
        </div>
      ) : null}
      {status === "queued" || status === "running" ? (
        <button type="button" className="button button--ghost" onClick={() => stop.mutate()} disabled={stop.isPending}>
          <StopIcon />
          {t("stories.stop")}
        </button>
      ) : null}
      {actionError ? (
        <p className="notice notice--error" role="alert">
          {errorMessage(actionError)}
        </p>
      ) : null}
      {status === "failed" ? <ErrorNotice code={story.error_code} detail={story.error} /> : null}
      {status === "cancelled" ? <p className="notice notice--info">{t("stories.cancelled")}</p> : null}
      {status === "failed" || status === "cancelled" ? (
        <button type="button" className="button button--primary" onClick={() => retry.mutate()} disabled={retry.isPending}>
          <RefreshIcon />
          {t("chat.retry")}
        </button>
      ) : null}
    </section>
  );
}
