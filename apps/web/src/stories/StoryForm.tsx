import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import type { User } from "../api/types";
import { currentLanguage } from "../i18n";
import { CHILD_AGE } from "../profile/profileSchema";
import { Field } from "../ui/Field";
import { useErrorMessage } from "../ui/useErrorMessage";
import { useCreateStory } from "./storyQueries";
import { STORY_LENGTHS, type StoryInput, type StoryValues, storyDefaults, storySchema, toStoryCreate } from "./storySchema";

export function StoryForm({ user }: { user: User | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const errorMessage = useErrorMessage();
  const create = useCreateStory();
  const { register, handleSubmit, formState } = useForm<StoryInput, unknown, StoryValues>({
    resolver: zodResolver(storySchema),
    defaultValues: storyDefaults(user, currentLanguage()),
  });

  const onSubmit = handleSubmit((values) =>
    create.mutate(toStoryCreate(values), { onSuccess: (story) => void navigate(`/stories/${story.id}`) }),
  );

  return (
    <form className="form story-form" onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="story-form-title">
      <h2 id="story-form-title" className="section-title">
        {t("stories.newStory")}
      </h2>
      <div className="form__row">
        <Field label={t("stories.childName")} error={formState.errors.childName}>
          {(control) => <input className="input" {...control} {...register("childName")} />}
        </Field>
        <Field label={t("stories.age")} error={formState.errors.age}>
          {(control) => (
            <input
              className="input"
              type="number"
              inputMode="numeric"
              min={CHILD_AGE.min}
              max={CHILD_AGE.max}
              {...control}
              {...register("age")}
            />
          )}
        </Field>
      </div>
      <Field label={t("stories.theme")} hint={t("stories.themeHint")} error={formState.errors.theme}>
        {(control) => <input className="input" {...control} {...register("theme")} />}
      </Field>
      <Field label={t("stories.moral")} hint={t("stories.moralHint")} error={formState.errors.moral}>
        {(control) => <input className="input" {...control} {...register("moral")} />}
      </Field>
      <div className="form__row">
        <fieldset className="segmented">
          <legend className="field__label">{t("stories.length")}</legend>
          {STORY_LENGTHS.map((length) => (
            <label key={length} className="segmented__option">
              <input type="radio" value={length} {...register("length")} />
              <span>{t(`stories.lengths.${length}`)}</span>
            </label>
          ))}
        </fieldset>
        <Field label={t("stories.language")} error={formState.errors.language}>
          {(control) => (
            <select className="input" {...control} {...register("language")}>
              <option value="ko">한국어</option>
              <option value="en">English</option>
            </select>
          )}
        </Field>
      </div>
      {create.isError ? (
        <p className="notice notice--error" role="alert">
          {errorMessage(create.error)}
        </p>
      ) : null}
      <button type="submit" className="button button--primary" disabled={create.isPending}>
        {create.isPending ? t("common.pleaseWait") : t("stories.create")}
      </button>
    </form>
  );
}
