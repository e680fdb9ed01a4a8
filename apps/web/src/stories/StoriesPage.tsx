import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useMe } from "../auth/session";
import { useErrorMessage } from "../ui/useErrorMessage";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { StoryForm } from "./StoryForm";
import { useStories } from "./storyQueries";
import { StatusBadge } from "./StatusBadge";

export function StoriesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const stories = useStories();
  const errorMessage = useErrorMessage();
  useDocumentTitle(t("stories.title"));

  return (
    <main className="page stories" aria-labelledby="stories-title">
      <h1 id="stories-title" className="page__title">
        {t("stories.title")}
      </h1>
      <p className="page__lead">{t("stories.lead")}</p>
      <div className="stories__layout">
        <section className="card">{me.isPending ? <p>{t("common.loading")}</p> : <StoryForm user={me.data} />}</section>
        <section className="stories__past" aria-labelledby="past-stories-title">
          <h2 id="past-stories-title" className="section-title">
            {t("stories.past")}
          </h2>
          {stories.isError ? (
            <p className="notice notice--error" role="alert">
              {errorMessage(stories.error)}
            </p>
          ) : null}
          {stories.data?.length === 0 ? <p className="muted">{t("stories.none")}</p> : null}
          <ul className="story-list">
            {stories.data?.map((story) => (
              <li key={story.id}>
                <Link to={`/stories/${story.id}`} className="story-list__item">
                  <span className="story-list__title">{story.title || t("stories.untitled", { name: story.child_name })}</span>
                  <span className="story-list__meta">
                    {t("stories.meta", { name: story.child_name, age: story.age, theme: story.theme })}
                  </span>
                  <StatusBadge status={story.status} />
                </Link>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </main>
  );
}
