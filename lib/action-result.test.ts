import { describe, expect, it } from "vitest";
import { formErrors } from "./action-result";

describe("formErrors", () => {
  it("puts field messages by their fields, and the answer's message on top when no shown field has one", () => {
    expect(
      formErrors({ error: "Choose a date.", fieldErrors: { dueOn: "Choose a date." } }, [
        "name",
        "dueOn",
      ]),
    ).toEqual({ dueOn: "Choose a date." });
    // A message for a field the form does not show is not lost.
    expect(
      formErrors({ error: "Unknown group.", fieldErrors: { "groupIds.0": "Unknown group." } }, [
        "name",
        "groupIds",
      ]),
    ).toEqual({ form: "Unknown group." });
    expect(formErrors({ error: "The rule was not found." }, ["name"])).toEqual({
      form: "The rule was not found.",
    });
  });
});
