import { z } from "zod";

import type { StoryCreate, User } from "../api/types";
import { type Language, LANGUAGES } from "../i18n";
import { CHILD_AGE } from "../profile/profileSchema";

export const STORY_LENGTHS = ["short", "medium", "long"] as const;

export const storySchema = z.object({
  childName: z.string().trim().min(1, "validation.required").max(100, "validation.tooLong"),
  age: z.coerce
    .number<string>("validation.age")
    .int("validation.age")
    .min(CHILD_AGE.min, "validation.age")
    .max(CHILD_AGE.max, "validation.age"),
  theme: z.string().trim().min(1, "validation.required").max(200, "validation.tooLong"),
  moral: z.string().trim().max(200, "validation.tooLong"),
  length: z.enum(STORY_LENGTHS),
  language: z.enum(LANGUAGES),
});

export type StoryInput = z.input<typeof storySchema>;
export type StoryValues = z.output<typeof storySchema>;

/** The form starts from the child in the profile, in the language the app is showing. */
export function storyDefaults(user: User | undefined, language: Language): StoryInput {
  return {
    childName: user?.child_name ?? "",
    age: user?.child_age == null ? "" : String(user.child_age),
    theme: user?.interests[0] ?? "",
    moral: "",
    length: "short",
    language,
  };
}

export function toStoryCreate(values: StoryValues): StoryCreate {
  return {
    child_name: values.childName,
    age: values.age,
    theme: values.theme,
    moral: values.moral || null,
    length: values.length,
    language: values.language,
  };
}
