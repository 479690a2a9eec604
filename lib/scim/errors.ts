// SCIM's error answer (RFC 7644 §3.12): an HTTP status and, for 400s (and 409s), a `scimType`
// that says which rule the request broke. Everything SCIM refuses is one of these.
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | null,
    detail: string,
  ) {
    super(detail);
  }
}

export const invalid = (scimType: ScimType, detail: string) => new ScimError(400, scimType, detail);
export const notFound = (what: string) => new ScimError(404, null, `${what} was not found.`);
export const uniqueness = (detail: string) => new ScimError(409, "uniqueness", detail);
