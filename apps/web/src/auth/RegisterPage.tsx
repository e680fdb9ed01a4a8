import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { z } from "zod";

import { isApiError } from "../api/errors";
import { Field } from "../ui/Field";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useErrorMessage } from "../ui/useErrorMessage";
import { AuthLayout } from "./AuthLayout";
import { register as registerAccount } from "./session";

export const MIN_PASSWORD_LENGTH = 8;

const registerSchema = z.object({
  displayName: z.string().trim().max(100, "validation.tooLong"),
  email: z.email("validation.email"),
  password: z.string().min(MIN_PASSWORD_LENGTH, "validation.passwordLength"),
});
type RegisterForm = z.infer<typeof registerSchema>;

export function RegisterPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const errorMessage = useErrorMessage();
  const [failure, setFailure] = useState<string | null>(null);
  const { register, handleSubmit, formState } = useForm<RegisterForm>({
    resolver: zodResolver(registerSchema),
    defaultValues: { displayName: "", email: "", password: "" },
  });

  useDocumentTitle(t("auth.register"));

  const onSubmit = handleSubmit(async ({ displayName, email, password }) => {
    setFailure(null);
    try {
      await registerAccount(email, password, displayName);
      void navigate("/welcome", { replace: true });
    } catch (error) {
      setFailure(isApiError(error, 409) ? t("auth.emailTaken") : errorMessage(error));
    }
  });

  return (
    <AuthLayout title={t("auth.registerTitle")} subtitle={t("auth.registerSubtitle")}>
      {failure ? (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      ) : null}
      <form className="form" onSubmit={(event) => void onSubmit(event)} noValidate>
        <Field label={t("profile.displayName")} error={formState.errors.displayName}>
          {(control) => <input className="input" autoComplete="nickname" {...control} {...register("displayName")} />}
        </Field>
        <Field label={t("auth.email")} error={formState.errors.email}>
          {(control) => <input className="input" type="email" autoComplete="email" {...control} {...register("email")} />}
        </Field>
        <Field label={t("auth.password")} hint={t("auth.passwordHint")} error={formState.errors.password}>
          {(control) => (
            <input className="input" type="password" autoComplete="new-password" {...control} {...register("password")} />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t("common.pleaseWait") : t("auth.createAccount")}
        </button>
      </form>
      <p className="auth__switch">
        {t("auth.haveAccount")} <Link to="/login">{t("auth.login")}</Link>
      </p>
    </AuthLayout>
  );
}
