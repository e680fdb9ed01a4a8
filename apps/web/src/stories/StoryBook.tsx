import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { Story } from "../api/types";
import { ChevronLeftIcon, ChevronRightIcon } from "../ui/icons";

/** A finished story as a small book: its title, then one page at a time. */
export function StoryBook({ story }: { story: Story }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(0);
  const pages = story.pages.length > 0 ? story.pages : [story.content];
  const last = pages.length - 1;

  return (
    <article className="story-book" lang={story.language} aria-labelledby="story-title">
      <header className="story-book__header">
        <h1 id="story-title" className="story-book__title">
          {story.title}
        </h1>
        <p className="story-book__meta">{t("stories.meta", { name: story.child_name, age: story.age, theme: story.theme })}</p>
      </header>
      <section className="story-book__page" aria-label={t("stories.pageOf", { page: page + 1, total: pages.length })}>
        {pages[page]?.split(/\n{2,}/).map((paragraph, index) => <p key={index}>{paragraph}</p>)}
      </section>
      <nav className="story-book__nav" aria-label={t("stories.pages")}>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => setPage(page - 1)}
          disabled={page === 0}
        >
          <ChevronLeftIcon />
          {t("stories.previous")}
        </button>
        <span className="story-book__count" aria-live="polite">
          {t("stories.pageOf", { page: page + 1, total: pages.length })}
        </span>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => setPage(page + 1)}
          disabled={page === last}
        >
          {t("stories.next")}
          <ChevronRightIcon />
        </button>
      </nav>
    </article>
  );
}
