import type { ReactNode } from "react";

import { PreferenceButtons } from "../shell/PreferenceButtons";

/** The centred card around the login and registration forms. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <div className="auth">
      <div className="auth__preferences">
        <PreferenceButtons />
      </div>
      <main className="auth__card">
        <div className="brand brand--large" aria-hidden="true">
          <span className="brand__mark">✦</span> Aira
        </div>
        <h1 className="auth__title">{title}</h1>
        <p className="auth__subtitle">{subtitle}</p>
        {children}
      </main>
    </div>
  );
}
