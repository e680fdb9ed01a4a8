import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router";
import { z } from "zod";

import { isApiError } from "../api/errors";
import { queryKeys } from "../api/queryKeys";
import { Field } from "../ui/Field";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useErrorMessage } from "../ui/useErrorMessage";
import { AuthLayout } from "./AuthLayout";
import { loadProfile, logIn } from "./session";
import { tokenStore } from "./tokenStore";

const loginSchema = z.object({
  email: z.email("validation.email"),
  password: z.string().min(1, "validation.required"),
});
type LoginForm = z.infer<typeof loginSchema>;

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const location = useLocation();
  const errorMessage = useErrorMessage();
  const [failure, setFailure] = useState<string | null>(null);
  const [expired] = useState(() => tokenStore.lastLogoutReason() === "expired");
  const { register, handleSubmit, formState } = useForm<LoginForm>({ resolver: zodResolver(loginSchema) });
  useDocumentTitle(t("auth.login"));
  const from = (location.state as { from?: string } | null)?.from ?? "/chat";

  const onSubmit = handleSubmit(async ({ email, password }) => {
    setFailure(null);
    try {
      await logIn(email, password);
      queryClient.setQueryData(queryKeys.me, await loadProfile());
      void navigate(from, { replace: true });
    } catch (error) {
      setFailure(isApiError(error, 401) ? t("auth.wrongCredentials") : errorMessage(error));
    }
  });

  return (
    <AuthLayout title={t("auth.loginTitle")} subtitle={t("auth.loginSubtitle")}>
      {expired && !failure ? (
        <p className="notice notice--info" role="status">
          {t("auth.sessionExpired")}
        </p>
      ) : null}
      {failure ? (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      ) : null}
      <form className="form" onSubmit={(event) => void onSubmit(event)} noValidate>
        <Field label={t("auth.email")} error={formState.errors.email}>
          {(control) => <input className="input" type="email" autoComplete="email" {...control} {...register("email")} />}
        </Field>
        <Field label={t("auth.password")} error={formState.errors.password}>
          {(control) => (
            <input className="input" type="password" autoComplete="current-password" {...control} {...register("password")} />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t("common.pleaseWait") : t("auth.login")}
        </button>
      </form>
      <p className="auth__switch">
        {t("auth.noAccount")} <Link to="/register">{t("auth.register")}</Link>
      </p>
    </AuthLayout>
  );
}
