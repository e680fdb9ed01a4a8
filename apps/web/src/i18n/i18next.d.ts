import "i18next";

import type ko from "./ko";

declare module "i18next" {
  interface CustomTypeOptions {
    resources: { translation: typeof ko };
    returnNull: false;
  }
}
