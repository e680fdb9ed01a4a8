import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import { unwrap } from "../api/errors";
import { queryKeys } from "../api/queryKeys";
import type { User } from "../api/types";
import i18n from "../i18n";
import { Field } from "../ui/Field";
import { useErrorMessage } from "../ui/useErrorMessage";
import { CHILD_AGE, type ProfileInput, type ProfileValues, profileSchema, toFormValues, toUpdate } from "./profileSchema";

interface ProfileFormProps {
  user: User;
  submitLabel: string;
  onSaved?: () => void;
}

/** The data-collection form: who is chatting, and the child the stories are written for. */
export function ProfileForm({ user, submitLabel, onSaved }: ProfileFormProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { register, handleSubmit, formState, reset } = useForm<ProfileInput, unknown, ProfileValues>({
    resolver: zodResolver(profileSchema),
    defaultValues: toFormValues(user),
  });

  const save = useMutation({
    mutationFn: (values: ProfileValues) => unwrap(api.PATCH("/api/users/me", { body: toUpdate(values) })),
    onSuccess: async (saved) => {
      queryClient.setQueryData(queryKeys.me, saved);
      reset(toFormValues(saved));
      await i18n.changeLanguage(saved.locale);
      onSaved?.();
    },
  });

  return (
    <form className="form" onSubmit={(event) => void handleSubmit((values) => save.mutate(values))(event)} noValidate>
      <fieldset className="form__group">
        <legend>{t("profile.aboutYou")}</legend>
        <Field label={t("profile.displayName")} error={formState.errors.displayName}>
          {(control) => <input className="input" autoComplete="nickname" {...control} {...register("displayName")} />}
        </Field>
        <Field label={t("profile.language")} error={formState.errors.locale}>
          {(control) => (
            <select className="input" {...control} {...register("locale")}>
              <option value="ko">한국어</option>
              <option value="en">English</option>
            </select>
          )}
        </Field>
      </fieldset>
      <fieldset className="form__group">
        <legend>{t("profile.aboutChild")}</legend>
        <p className="form__help">{t("profile.childHelp")}</p>
        <div className="form__row">
          <Field label={t("profile.childName")} error={formState.errors.childName}>
            {(control) => <input className="input" {...control} {...register("childName")} />}
          </Field>
          <Field label={t("profile.childAge")} hint={t("profile.childAgeHint", CHILD_AGE)} error={formState.errors.childAge}>
            {(control) => (
              <input
                className="input"
                type="number"
                inputMode="numeric"
                min={CHILD_AGE.min}
                max={CHILD_AGE.max}
                {...control}
                {...register("childAge")}
              />
            )}
          </Field>
        </div>
        <Field label={t("profile.interests")} hint={t("profile.interestsHint")} error={formState.errors.interests}>
          {(control) => <input className="input" {...control} {...register("interests")} />}
        </Field>
      </fieldset>
      {save.isError ? (
        <p className="notice notice--error" role="alert">
          {errorMessage(save.error)}
        </p>
      ) : null}
      {save.isSuccess && !formState.isDirty ? (
        <p className="notice notice--success" role="status">
          {t("profile.saved")}
        </p>
      ) : null}
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        {save.isPending ? t("common.pleaseWait") : submitLabel}
      </button>
    </form>
  );
}
