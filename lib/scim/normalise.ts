import type { AttributeDef, ResourceSchema } from "./attributes";
import { findAttribute } from "./attributes";
import { invalid } from "./errors";

// Values as identity providers send them, made into what the schema says: attribute names in
// their canonical spelling, "True"/"False" as booleans (Entra), one object where a list is
// expected as a list of one. Unknown attributes are dropped, as RFC 7643 lets a service provider
// do; read-only ones are ignored on input (RFC 7644 §3.3); a value of the wrong type is an error.

const MAX_STRING = 2_000;
const MAX_VALUES = 100;
const MAX_MEMBERS = 20_000;

export function toBoolean(value: unknown, name: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === "true";
  throw invalid("invalidValue", `${name} must be true or false.`);
}

function toText(value: unknown, name: string): string {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") throw invalid("invalidValue", `${name} must be a string.`);
  if (value.length > MAX_STRING)
    throw invalid("invalidValue", `${name} is longer than ${MAX_STRING} characters.`);
  return value;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function normaliseComplex(def: AttributeDef, value: unknown, name: string) {
  if (!isObject(value)) throw invalid("invalidValue", `${name} must be an object.`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = findAttribute(def.subAttributes, key);
    if (!sub || v === null || v === undefined) continue;
    out[sub.name] = normaliseSingle(sub, v, `${name}.${sub.name}`);
  }
  return out;
}

function normaliseSingle(def: AttributeDef, value: unknown, name: string): unknown {
  switch (def.type) {
    case "boolean":
      return toBoolean(value, name);
    case "complex":
      return normaliseComplex(def, value, name);
    default:
      return toText(value, name);
  }
}

/** A value for the attribute (a list for a multi-valued one); null removes it. */
export function normaliseValue(def: AttributeDef, value: unknown, name = def.name): unknown {
  if (value === null) return null;
  if (!def.multiValued) return normaliseSingle(def, value, name);
  const list = Array.isArray(value) ? value : [value];
  const limit = name === "members" ? MAX_MEMBERS : MAX_VALUES;
  if (list.length > limit)
    throw invalid("invalidValue", `${name} has more than ${limit.toLocaleString("en")} values.`);
  return list.map((v) => normaliseSingle(def, v, name));
}

/** A resource's writable attributes from a request body (POST or PUT), canonically named. */
export function normaliseResource(
  body: Record<string, unknown>,
  schema: ResourceSchema,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const extension = schema.extensions.find((e) => e.id.toLowerCase() === key.toLowerCase());
    if (extension) {
      if (!isObject(value)) throw invalid("invalidValue", `${extension.id} must be an object.`);
      const attrs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const def = findAttribute(extension.attributes, k);
        if (!def || def.mutability === "readOnly" || v === null) continue;
        attrs[def.name] = normaliseValue(def, v);
      }
      if (Object.keys(attrs).length) out[extension.id] = attrs;
      continue;
    }
    const def = findAttribute(schema.attributes, key);
    if (!def || def.mutability === "readOnly" || value === null || value === undefined) continue;
    out[def.name] = normaliseValue(def, value);
  }
  return out;
}
