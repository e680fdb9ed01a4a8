/** Names for the API's schemas, generated from its OpenAPI document (see schema.d.ts). */
import type { components } from "./schema";

type Schemas = components["schemas"];

export type User = Schemas["UserPublic"];
export type UserUpdate = Schemas["UserUpdate"];
export type Conversation = Schemas["ConversationPublic"];
export type ConversationDetail = Schemas["ConversationWithMessages"];
export type Message = Schemas["MessagePublic"];
export type JobStatus = Message["status"];
export type Story = Schemas["StoryPublic"];
export type StoryCreate = Schemas["StoryCreate"];
export type Meta = Schemas["Meta"];
export type ConsoleOverview = Schemas["ConsoleOverview"];
export type DeadLetter = Schemas["DeadLetterPublic"];
export type RedriveResult = Schemas["RedriveResult"];

export const ACTIVE_STATUSES: readonly JobStatus[] = ["queued", "running"];

export function isActive(status: JobStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}
