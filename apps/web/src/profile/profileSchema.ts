import { z } from "zod";

import { currentLanguage, isLanguage, LANGUAGES } from "../i18n";
import type { User, UserUpdate } from "../api/types";

export const CHILD_AGE = { min: 2, max: 12 } as const;
export const MAX_INTERESTS = 10;

/** Splits "dinosaurs, space, 공룡" into trimmed, distinct interests. */
export function parseInterests(text: string): string[] {
  return [...new Set(text.split(/[,，、\n]/).map((item) => item.trim()).filter(Boolean))];
}

export const profileSchema = z.object({
  displayName: z.string().trim().min(1, "validation.required").max(100, "validation.tooLong"),
  locale: z.enum(LANGUAGES),
  childName: z.string().trim().max(100, "validation.tooLong"),
  childAge: z.union([
    z.literal(""),
    z.coerce
      .number<string>("validation.age")
      .int("validation.age")
      .min(CHILD_AGE.min, "validation.age")
      .max(CHILD_AGE.max, "validation.age"),
  ]),
  interests: z
    .string()
    .refine((text) => parseInterests(text).length <= MAX_INTERESTS, "validation.tooManyInterests")
    .refine((text) => parseInterests(text).every((item) => item.length <= 40), "validation.interestTooLong"),
});

export type ProfileInput = z.input<typeof profileSchema>;
export type ProfileValues = z.output<typeof profileSchema>;

export function toFormValues(user: User): ProfileInput {
  return {
    displayName: user.display_name,
    locale: isLanguage(user.locale) ? user.locale : currentLanguage(),
    childName: user.child_name ?? "",
    childAge: user.child_age == null ? "" : String(user.child_age),
    interests: user.interests.join(", "),
  };
}

export function toUpdate(values: ProfileValues): UserUpdate {
  return {
    display_name: values.displayName,
    locale: values.locale,
    child_name: values.childName || null,
    child_age: values.childAge === "" ? null : values.childAge,
    interests: parseInterests(values.interests),
  };
}
