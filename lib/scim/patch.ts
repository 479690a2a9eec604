import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { AttributeDef, ResourceSchema } from "./attributes";
import { invalid } from "./errors";
import { type ScimFilter, matchesFilter, parseFilter } from "./filter";
import { isObject, normaliseValue } from "./normalise";
import { resolveAttributePath, splitPatchPath } from "./paths";
import { PATCH_SCHEMA } from "./schema-ids";

// PATCH (RFC 7644 §3.5.2) on a resource held as a plain object, core attributes at the top and
// each extension's under its URN. Every operation is checked and applied to a copy first; the
// caller writes the result only when all of them succeeded, so a PatchOp is applied whole or not
// at all. Accepted as the identity providers send them: ops in any case (Entra's "Replace"),
// path-less operations whose value holds attributes, dotted paths and URN-qualified ones as keys
// (Entra), `members` removed by a list of values (Entra) or by a filter (Okta), and a replace of
// `emails[type eq "work"].value` that creates the work email when there is none (Entra).

const MAX_OPERATIONS = 1_000;

export const patchOpInput = z.object({
  schemas: z.array(z.string()).refine((s) => s.includes(PATCH_SCHEMA), {
    message: `schemas must include ${PATCH_SCHEMA}`,
  }),
  Operations: z
    .array(
      z.object({
        op: z.string().transform((op) => op.toLowerCase()),
        path: z.string().max(1_000).optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1, "Operations is empty.")
    .max(MAX_OPERATIONS, `Send at most ${MAX_OPERATIONS} operations.`),
});

export type PatchOp = z.infer<typeof patchOpInput>;
type Operation = PatchOp["Operations"][number];
type Doc = Record<string, unknown>;

/** The target of a path in the document: the object that holds the attribute. */
function holder(doc: Doc, extension: string | null): Doc {
  if (!extension) return doc;
  if (!isObject(doc[extension])) doc[extension] = {};
  return doc[extension] as Doc;
}

function assertWritable(def: AttributeDef, path: string) {
  if (def.mutability === "readOnly") throw invalid("mutability", `"${path}" is read-only.`);
}

// The attribute/value pairs an `eq` filter pins, to build the element Entra expects a replace
// of `emails[type eq "work"].value` to create when there is no work email yet.
function pinnedPairs(filter: ScimFilter): Record<string, unknown> | null {
  if (filter.op === "eq") return { [filter.attrPath]: filter.compValue };
  if (filter.op !== "and") return null;
  const pairs = filter.filters.map(pinnedPairs);
  return pairs.every(Boolean) ? Object.assign({}, ...pairs) : null;
}

const sameElement = (a: unknown, b: unknown) =>
  isObject(a) && isObject(b) && "value" in a && "value" in b
    ? a.value === b.value
    : isDeepStrictEqual(a, b);

function applyToAttribute(
  op: string,
  container: Doc,
  def: AttributeDef,
  value: unknown,
  path: string,
) {
  const current = container[def.name];
  if (op === "remove") {
    // Entra removes members by listing them: remove those values, not the whole attribute.
    if (def.multiValued && value !== undefined && value !== null) {
      const gone = normaliseValue(def, value, path) as unknown[];
      const kept = ((current as unknown[]) ?? []).filter(
        (e) => !gone.some((g) => sameElement(e, g)),
      );
      if (kept.length) container[def.name] = kept;
      else delete container[def.name];
    } else delete container[def.name];
    return;
  }
  if (value === undefined) throw invalid("invalidValue", `"${path}": ${op} needs a value.`);
  const next = normaliseValue(def, value, path);
  if (next === null) return void delete container[def.name];
  if (def.multiValued) {
    const list = next as unknown[];
    if (op === "add") {
      const existing = (current as unknown[]) ?? [];
      container[def.name] = [
        ...existing,
        ...list.filter((v) => !existing.some((e) => sameElement(e, v))),
      ];
    } else container[def.name] = list;
  } else if (def.type === "complex") {
    // A complex value replaces the sub-attributes it names and keeps the others.
    container[def.name] = { ...(isObject(current) ? current : {}), ...(next as Doc) };
  } else container[def.name] = next;
}

function applyWithPath(doc: Doc, op: string, path: string, value: unknown, schema: ResourceSchema) {
  const parts = splitPatchPath(path);
  const resolved = resolveAttributePath(parts.attribute, schema);
  const { attribute } = resolved;
  assertWritable(attribute, path);
  const container = holder(doc, resolved.extension);
  if (!parts.filter) {
    if (!resolved.sub) return applyToAttribute(op, container, attribute, value, path);
    if (attribute.multiValued)
      throw invalid(
        "invalidPath",
        `"${path}": choose the values with a filter, as in ${attribute.name}[type eq "work"].value.`,
      );
    assertWritable(resolved.sub, path);
    const inner = isObject(container[attribute.name]) ? (container[attribute.name] as Doc) : {};
    applyToAttribute(op, inner, resolved.sub, value, path);
    if (Object.keys(inner).length) container[attribute.name] = inner;
    else delete container[attribute.name];
    return;
  }
  if (resolved.sub || !attribute.multiValued || !attribute.subAttributes)
    throw invalid("invalidPath", `"${path}" filters an attribute that is not a list.`);
  const subDefs = attribute.subAttributes;
  const filter = parseFilter(parts.filter, schema, subDefs);
  const sub = parts.sub
    ? subDefs.find((d) => d.name.toLowerCase() === parts.sub!.toLowerCase())
    : null;
  if (parts.sub && !sub)
    throw invalid(
      "invalidPath",
      `"${path}": ${parts.sub} is not a sub-attribute of ${attribute.name}.`,
    );
  if (sub) assertWritable(sub, path);
  const elements = ((container[attribute.name] as Doc[]) ?? []).map((e) => ({ ...e }));
  const matched = elements.filter((e) => matchesFilter(e, filter, schema, subDefs));
  if (op === "remove") {
    const kept = sub
      ? elements.map((e) => (matched.includes(e) ? (delete e[sub.name], e) : e))
      : elements.filter((e) => !matched.includes(e));
    if (kept.length) container[attribute.name] = kept;
    else delete container[attribute.name];
    return;
  }
  if (value === undefined) throw invalid("invalidValue", `"${path}": ${op} needs a value.`);
  const element = (patch: unknown) =>
    normaliseValue({ ...attribute, multiValued: false }, patch, path) as Doc;
  const patchOf = sub ? element({ [sub.name]: value }) : element(value);
  if (matched.length) {
    for (const e of matched) Object.assign(e, patchOf);
  } else {
    const pinned = pinnedPairs(filter);
    if (!pinned && op === "replace") throw invalid("noTarget", `"${path}" matches no value.`);
    elements.push({ ...element(pinned ?? {}), ...patchOf });
  }
  container[attribute.name] = elements;
}

function applyOperation(doc: Doc, operation: Operation, schema: ResourceSchema) {
  const { op, path, value } = operation;
  if (op !== "add" && op !== "replace" && op !== "remove")
    throw invalid(
      "invalidSyntax",
      `"${operation.op}" is not a PATCH operation: use add, replace or remove.`,
    );
  if (path !== undefined && path.trim() !== "") return applyWithPath(doc, op, path, value, schema);
  if (op === "remove") throw invalid("noTarget", "A remove needs a path.");
  if (!isObject(value))
    throw invalid(
      "invalidValue",
      `A ${op} without a path needs an object of attributes as its value.`,
    );
  for (const [key, v] of Object.entries(value)) {
    const extension = schema.extensions.find((e) => e.id.toLowerCase() === key.toLowerCase());
    if (extension && isObject(v)) {
      for (const [k, inner] of Object.entries(v))
        applyWithPath(doc, op, `${extension.id}:${k}`, inner, schema);
    } else if (/^(schemas|id|meta)$/i.test(key)) {
      continue;
    } else applyWithPath(doc, op, key, v, schema);
  }
}

/** The document after every operation, or the first operation's error (the document untouched). */
export function applyPatch(doc: Doc, patch: PatchOp, schema: ResourceSchema): Doc {
  const copy = structuredClone(doc);
  for (const operation of patch.Operations) applyOperation(copy, operation, schema);
  return copy;
}
