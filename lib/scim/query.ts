import { createHash } from "node:crypto";
import type { ResourceSchema } from "./attributes";
import { invalid } from "./errors";
import { type ScimFilter, parseFilter } from "./filter";
import { resolveAttributePath } from "./paths";
import { LIST_SCHEMA } from "./schema-ids";

// What a SCIM list request asks for (RFC 7644 §3.4.2) — filter, sort, page, which attributes —
// and how a resource answers with only the attributes asked for.

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1_000;

export interface ListQuery {
  filter: ScimFilter | null;
  sortBy: string | null;
  descending: boolean;
  startIndex: number;
  count: number;
  attributes: string[];
  excludedAttributes: string[];
}

export type Resource = Record<string, unknown>;

function integer(value: string | null, name: string, fallback: number): number {
  if (value === null || value.trim() === "") return fallback;
  if (!/^-?\d{1,9}$/.test(value.trim()))
    throw invalid("invalidValue", `${name} must be an integer, not ${JSON.stringify(value)}.`);
  return Number(value);
}

const attributeList = (value: string | null) =>
  (value ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);

/** The list parameters of a query string, checked against the resource's schema. */
export function parseListQuery(params: URLSearchParams, schema: ResourceSchema): ListQuery {
  const get = (name: string) => {
    const key = [...params.keys()].find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? null : params.get(key);
  };
  const filterText = get("filter");
  const sortBy = get("sortBy")?.trim() || null;
  if (sortBy) resolveAttributePath(sortBy, schema, "invalidValue");
  const sortOrder = (get("sortOrder") ?? "ascending").trim().toLowerCase();
  if (sortOrder !== "ascending" && sortOrder !== "descending")
    throw invalid("invalidValue", "sortOrder must be ascending or descending.");
  const attributes = attributeList(get("attributes"));
  const excludedAttributes = attributeList(get("excludedAttributes"));
  for (const a of [...attributes, ...excludedAttributes]) checkProjected(a, schema);
  return {
    filter: filterText?.trim() ? parseFilter(filterText, schema) : null,
    sortBy,
    descending: sortOrder === "descending",
    // RFC 7644 §3.4.2.4: below 1 means 1, a negative count means 0.
    startIndex: Math.max(1, integer(get("startIndex"), "startIndex", 1)),
    count: Math.min(MAX_COUNT, Math.max(0, integer(get("count"), "count", DEFAULT_COUNT))),
    attributes,
    excludedAttributes,
  };
}

function checkProjected(path: string, schema: ResourceSchema) {
  if (/^(schemas|meta)(\..*)?$/i.test(path)) return;
  resolveAttributePath(path, schema, "invalidValue");
}

/** The key chain of an attribute path in a resource: [urn?, attribute, sub?]. */
function keysOf(path: string, schema: ResourceSchema): string[] {
  if (/^(schemas|meta)$/i.test(path)) return [path.toLowerCase() === "meta" ? "meta" : "schemas"];
  if (/^meta\./i.test(path)) return ["meta", path.slice(5)];
  const r = resolveAttributePath(path, schema, "invalidValue");
  return [...(r.extension ? [r.extension] : []), r.attribute.name, ...(r.sub ? [r.sub.name] : [])];
}

function pick(source: Resource, keys: string[], target: Resource) {
  const [first, ...rest] = keys;
  if (!first || !(first in source)) return;
  const value = source[first];
  if (!rest.length) return void (target[first] = value);
  if (Array.isArray(value)) {
    const existing = (target[first] as Resource[] | undefined) ?? value.map(() => ({}));
    value.forEach((v, i) => v && typeof v === "object" && pick(v as Resource, rest, existing[i]!));
    target[first] = existing;
  } else if (value && typeof value === "object") {
    const inner = (target[first] as Resource | undefined) ?? {};
    pick(value as Resource, rest, inner);
    target[first] = inner;
  }
}

function drop(target: Resource, keys: string[]) {
  const [first, ...rest] = keys;
  if (!first || !(first in target)) return;
  if (!rest.length) return void delete target[first];
  const value = target[first];
  for (const v of Array.isArray(value) ? value : [value])
    if (v && typeof v === "object") drop(v as Resource, rest);
}

/** The resource with only the attributes asked for; id and schemas are always returned. */
export function project(
  resource: Resource,
  query: Pick<ListQuery, "attributes" | "excludedAttributes">,
  schema: ResourceSchema,
): Resource {
  if (query.attributes.length) {
    const out: Resource = { schemas: resource.schemas, id: resource.id };
    for (const a of query.attributes) pick(resource, keysOf(a, schema), out);
    return out;
  }
  if (!query.excludedAttributes.length) return resource;
  const out = structuredClone(resource);
  for (const a of query.excludedAttributes) {
    const keys = keysOf(a, schema);
    if (keys[0] === "id" || keys[0] === "schemas") continue;
    drop(out, keys);
  }
  return out;
}

function sortValue(resource: Resource, path: string, schema: ResourceSchema): string {
  let current: unknown = resource;
  for (const key of keysOf(path, schema)) {
    if (Array.isArray(current))
      current = (current.find((e) => e?.primary === true) ?? current[0]) as unknown;
    current = current && typeof current === "object" ? (current as Resource)[key] : undefined;
  }
  if (Array.isArray(current)) current = current[0];
  return current === undefined || current === null ? "" : String(current).toLowerCase();
}

/** One page of resources as a ListResponse; `resources` come in their stable default order. */
export function listResponse(resources: Resource[], query: ListQuery, schema: ResourceSchema) {
  let ordered = resources;
  if (query.sortBy) {
    const keyed = resources.map((r, i) => ({ r, i, v: sortValue(r, query.sortBy!, schema) }));
    const direction = query.descending ? -1 : 1;
    keyed.sort((a, b) => (a.v < b.v ? -direction : a.v > b.v ? direction : a.i - b.i));
    ordered = keyed.map((k) => k.r);
  }
  const page = ordered.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  return {
    schemas: [LIST_SCHEMA],
    totalResults: ordered.length,
    startIndex: query.startIndex,
    itemsPerPage: page.length,
    Resources: page.map((r) => project(r, query, schema)),
  };
}

/** meta.version: a weak ETag of everything the resource shows, so any change changes it. */
export function resourceVersion(resource: Resource): string {
  const { meta: _meta, ...shown } = resource;
  return `W/"${createHash("sha256").update(JSON.stringify(shown)).digest("base64url").slice(0, 22)}"`;
}
