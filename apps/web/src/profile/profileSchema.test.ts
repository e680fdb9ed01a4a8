import { describe, expect, it } from "vitest";

import { parseInterests, profileSchema, toUpdate } from "./profileSchema";

const valid = { displayName: "Mina", locale: "ko", childName: "Jun", childAge: "5", interests: "공룡, space" } as const;

describe("profile form", () => {
  it("splits interests on commas (Latin and CJK) and drops blanks and repeats", () => {
    expect(parseInterests("공룡, space，공룡、 ,sea")).toEqual(["공룡", "space", "sea"]);
  });

  it("turns valid input into the API's update", () => {
    const values = profileSchema.parse(valid);
    expect(toUpdate(values)).toEqual({
      display_name: "Mina",
      locale: "ko",
      child_name: "Jun",
      child_age: 5,
      interests: ["공룡", "space"],
    });
  });

  it("leaves the child's age empty when not given", () => {
    expect(toUpdate(profileSchema.parse({ ...valid, childAge: "" })).child_age).toBeNull();
  });

  it.each([
    [{ childAge: "1" }, "validation.age"],
    [{ childAge: "13" }, "validation.age"],
    [{ displayName: "  " }, "validation.required"],
    [{ interests: Array.from({ length: 11 }, (_, i) => `i${i}`).join(",") }, "validation.tooManyInterests"],
  ])("rejects %o with %s", (change, message) => {
    const result = profileSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });
});
