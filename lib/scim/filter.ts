import { type Filter, parse } from "scim2-parse-filter";
import { nestingDepth } from "@/lib/nesting";
import type { AttributeDef, ResourceSchema } from "./attributes";
import { invalid } from "./errors";
import { resolveAttributePath } from "./paths";

// SCIM filters (RFC 7644 §3.4.2.2). Parsed by scim2-parse-filter (the full grammar, a plain AST,
// no dependencies); evaluated here, because SCIM's comparison rules depend on the schema — string
// attributes compare case-insensitively unless `caseExact` (userName, emails.value: "Ann@X.com"
// eq "ann@x.com"), and a comparison on a multi-valued attribute holds when any value matches —
// while the library's own evaluator compares exactly. Every attribute a filter names must exist.

const MAX_FILTER_LENGTH = 2_000;
const MAX_NESTING = 16;

export type ScimFilter = Filter;

// The parser reads `emails[type eq "work"].value co "x"` as two separate conditions on emails;
// SCIM means one email that is of type work and whose value contains x.
function joinValuePaths(filter: Filter): Filter {
  switch (filter.op) {
    case "and":
    case "or": {
      const filters: Filter[] = [];
      for (const f of filter.filters.map(joinValuePaths)) {
        const previous = filters[filters.length - 1];
        if (
          filter.op === "and" &&
          previous?.op === "[]" &&
          "attrPath" in f &&
          f.op !== "[]" &&
          f.attrPath.toLowerCase().startsWith(`${previous.attrPath.toLowerCase()}.`)
        ) {
          const sub = { ...f, attrPath: f.attrPath.slice(previous.attrPath.length + 1) } as Filter;
          filters[filters.length - 1] = {
            op: "[]",
            attrPath: previous.attrPath,
            valFilter: { op: "and", filters: [previous.valFilter, sub] },
          };
        } else filters.push(f);
      }
      return filters.length === 1 ? filters[0]! : { op: filter.op, filters };
    }
    case "not":
      return { op: "not", filter: joinValuePaths(filter.filter) };
    default:
      return filter;
  }
}

/** A filter on resources, or with `scope`, on the elements of a multi-valued attribute. */
export function parseFilter(
  text: string,
  schema: ResourceSchema,
  scope: AttributeDef[] | null = null,
): Filter {
  if (text.length > MAX_FILTER_LENGTH)
    throw invalid("invalidFilter", `The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  if (nestingDepth(text, "([", ")]") > MAX_NESTING)
    throw invalid("invalidFilter", `The filter is nested deeper than ${MAX_NESTING} levels.`);
  let filter: Filter;
  try {
    filter = joinValuePaths(parse(text));
  } catch {
    throw invalid(
      "invalidFilter",
      `The filter ${JSON.stringify(text)} is not a valid SCIM filter.`,
    );
  }
  checkAttributes(filter, schema, scope);
  return filter;
}

function definitionOf(
  path: string,
  schema: ResourceSchema,
  scope: AttributeDef[] | null,
): AttributeDef | null {
  if (scope) {
    const def = scope.find((d) => d.name.toLowerCase() === path.toLowerCase());
    if (!def) throw invalid("invalidFilter", `"${path}" is not a sub-attribute there.`);
    return def;
  }
  if (/^meta\.(created|lastModified|resourceType|version|location)$/i.test(path)) return null;
  const resolved = resolveAttributePath(path, schema, "invalidFilter");
  return resolved.sub ?? resolved.attribute;
}

function checkAttributes(
  filter: Filter,
  schema: ResourceSchema,
  scope: AttributeDef[] | null,
): void {
  switch (filter.op) {
    case "and":
    case "or":
      return filter.filters.forEach((f) => checkAttributes(f, schema, scope));
    case "not":
      return checkAttributes(filter.filter, schema, scope);
    case "[]": {
      const def = definitionOf(filter.attrPath, schema, scope);
      if (!def?.subAttributes)
        throw invalid("invalidFilter", `"${filter.attrPath}" has no sub-attributes to filter on.`);
      return checkAttributes(filter.valFilter, schema, def.subAttributes);
    }
    default: {
      const def = definitionOf(filter.attrPath, schema, scope);
      if (def?.mutability === "writeOnly")
        throw invalid("invalidFilter", `"${filter.attrPath}" cannot be filtered on.`);
      if (def?.type === "boolean" && !["eq", "ne", "pr"].includes(filter.op))
        throw invalid("invalidFilter", `"${filter.attrPath}" is a boolean: use eq, ne or pr.`);
    }
  }
}

/** The values at `path` (a.b, or urn:…:a.b) of a resource or of one element, arrays flattened. */
function valuesAt(
  target: unknown,
  path: string,
  schema: ResourceSchema,
  scoped: boolean,
): unknown[] {
  let steps: string[];
  if (!scoped && /^urn:/i.test(path)) {
    const resolved = resolveAttributePath(path, schema, "invalidFilter");
    const urn = resolved.extension ?? "";
    steps = [urn, resolved.attribute.name, ...(resolved.sub ? [resolved.sub.name] : [])].filter(
      Boolean,
    );
  } else steps = path.split(".");
  let current: unknown[] = [target];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (!value || typeof value !== "object") continue;
      const key = Object.keys(value).find((k) => k.toLowerCase() === step.toLowerCase());
      const found = key === undefined ? undefined : (value as Record<string, unknown>)[key];
      if (Array.isArray(found)) next.push(...found);
      else if (found !== undefined && found !== null) next.push(found);
    }
    current = next;
  }
  return current;
}

const fold = (value: unknown, caseExact: boolean) =>
  typeof value === "string" && !caseExact ? value.toLowerCase() : value;

function compare(op: string, actual: unknown, expected: unknown, caseExact: boolean): boolean {
  const a = fold(actual, caseExact);
  const e = fold(expected, caseExact);
  switch (op) {
    case "eq":
      return a === e;
    case "co":
      return typeof a === "string" && typeof e === "string" && a.includes(e);
    case "sw":
      return typeof a === "string" && typeof e === "string" && a.startsWith(e);
    case "ew":
      return typeof a === "string" && typeof e === "string" && a.endsWith(e);
    case "gt":
      return typeof a === typeof e && e !== null && (a as string) > (e as string);
    case "ge":
      return typeof a === typeof e && e !== null && (a as string) >= (e as string);
    case "lt":
      return typeof a === typeof e && e !== null && (a as string) < (e as string);
    case "le":
      return typeof a === typeof e && e !== null && (a as string) <= (e as string);
    default:
      return false;
  }
}

function caseExactOf(path: string, schema: ResourceSchema, scope: AttributeDef[] | null): boolean {
  if (scope)
    return Boolean(scope.find((d) => d.name.toLowerCase() === path.toLowerCase())?.caseExact);
  if (/^meta\./i.test(path)) return true;
  const resolved = resolveAttributePath(path, schema, "invalidFilter");
  return Boolean((resolved.sub ?? resolved.attribute).caseExact);
}

function test(
  target: unknown,
  filter: Filter,
  schema: ResourceSchema,
  scope: AttributeDef[] | null,
): boolean {
  switch (filter.op) {
    case "and":
      return filter.filters.every((f) => test(target, f, schema, scope));
    case "or":
      return filter.filters.some((f) => test(target, f, schema, scope));
    case "not":
      return !test(target, filter.filter, schema, scope);
    case "[]": {
      const elements = valuesAt(target, filter.attrPath, schema, Boolean(scope));
      const resolved = scope
        ? null
        : resolveAttributePath(filter.attrPath, schema, "invalidFilter");
      const subs = (resolved?.sub ?? resolved?.attribute)?.subAttributes ?? [];
      return elements.some((e) => test(e, filter.valFilter, schema, subs));
    }
    case "pr":
      return valuesAt(target, filter.attrPath, schema, Boolean(scope)).some((v) => v !== "");
    default: {
      const values = valuesAt(target, filter.attrPath, schema, Boolean(scope));
      const caseExact = caseExactOf(filter.attrPath, schema, scope);
      if (filter.op === "ne")
        return !values.some((v) => compare("eq", v, filter.compValue, caseExact));
      return values.some((v) => compare(filter.op, v, filter.compValue, caseExact));
    }
  }
}

/** Whether a resource (as SCIM shows it), or with `scope` one element, matches the filter. */
export function matchesFilter(
  target: unknown,
  filter: Filter,
  schema: ResourceSchema,
  scope: AttributeDef[] | null = null,
): boolean {
  return test(target, filter, schema, scope);
}

/**
 * The value an `attr eq "value"` filter (alone or and-ed with others) pins, for the attributes the
 * database can look up directly; the filter is still applied to what the lookup returns.
 */
export function pinnedValue(filter: Filter | null, attribute: string): string | null {
  if (!filter) return null;
  if (filter.op === "eq" && filter.attrPath.toLowerCase() === attribute.toLowerCase())
    return typeof filter.compValue === "string" ? filter.compValue : null;
  if (filter.op === "and")
    for (const f of filter.filters) {
      const pinned = pinnedValue(f, attribute);
      if (pinned !== null) return pinned;
    }
  return null;
}
