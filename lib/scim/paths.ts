import { type AttributeDef, type ResourceSchema, findAttribute } from "./attributes";
import { invalid } from "./errors";

// An attribute path of a filter, a sort or a PATCH operation (RFC 7644 §3.10): `userName`,
// `name.givenName`, `urn:…:enterprise:2.0:User:department`, and in PATCH `emails[type eq
// "work"].value` or `members[value eq "…"]`. Resolved against the resource's schema, so names
// match regardless of case and an unknown attribute is an error, not a silent no-op.

export interface AttributePath {
  /** The extension's URN when the attribute lives in one; null for the core schema. */
  extension: string | null;
  attribute: AttributeDef;
  sub: AttributeDef | null;
}

/** `urn:…:Name.rest` → the schema it names and what follows; `rest` alone → the core schema. */
function splitUrn(
  path: string,
  schema: ResourceSchema,
): { extension: string | null; rest: string } {
  if (!/^urn:/i.test(path)) return { extension: null, rest: path };
  const ids = [schema.id, ...schema.extensions.map((e) => e.id)];
  const id = ids.find((urn) => path.toLowerCase().startsWith(`${urn.toLowerCase()}:`));
  if (!id) throw invalid("invalidPath", `"${path}" names a schema this resource does not have.`);
  return { extension: id === schema.id ? null : id, rest: path.slice(id.length + 1) };
}

function attributesOf(schema: ResourceSchema, extension: string | null) {
  if (!extension) return schema.attributes;
  return schema.extensions.find((e) => e.id === extension)!.attributes;
}

/** `a` or `a.b`, possibly behind a schema URN. */
export function resolveAttributePath(
  path: string,
  schema: ResourceSchema,
  scimType: "invalidPath" | "invalidFilter" | "invalidValue" = "invalidPath",
): AttributePath {
  const { extension, rest } = splitUrn(path, schema);
  const [name, subName, ...more] = rest.split(".");
  const attribute = findAttribute(attributesOf(schema, extension), name ?? "");
  if (!attribute || more.length)
    throw invalid(scimType, `"${path}" is not an attribute of ${schema.name}.`);
  if (subName === undefined) return { extension, attribute, sub: null };
  const sub = findAttribute(attribute.subAttributes, subName);
  if (!sub) throw invalid(scimType, `"${path}" is not an attribute of ${schema.name}.`);
  return { extension, attribute, sub };
}

/** A PATCH path split into the attribute, its optional value filter and sub-attribute. */
export function splitPatchPath(path: string): {
  attribute: string;
  filter: string | null;
  sub: string | null;
} {
  const match = /^([^[\]]+)\[(.*)\](?:\.([A-Za-z$][\w$-]*))?$/s.exec(path.trim());
  if (!match) {
    if (/[[\]]/.test(path)) throw invalid("invalidPath", `"${path}" is not a valid path.`);
    return { attribute: path.trim(), filter: null, sub: null };
  }
  return { attribute: match[1]!, filter: match[2]!, sub: match[3] ?? null };
}
