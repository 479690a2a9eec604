import { sql } from "drizzle-orm";
import fc from "fast-check";
import { expect } from "vitest";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { fingerprint } from "./world";

// Random and adversarial input for every endpoint, and the checks every answer to it must pass.

/** Fixed, so that a failure is reproducible: `seed` and `path` are printed with the counterexample. */
export const SEED = 20_261_128;
export const RUNS = Number(process.env.SECURITY_RUNS ?? 25);

const HUGE = "x".repeat(100_000);

export const adversarialStrings = [
  HUGE,
  "é".repeat(40_000),
  "",
  " ",
  "\t\r\n",
  // SQL
  "'; drop table groups; --",
  "1' or '1'='1",
  "$$; delete from users; $$",
  "%",
  "_",
  "\\",
  // HTML and scripts
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  '=HYPERLINK("https://evil.test")',
  // Unicode
  "\u202Eexe.txt",
  "مرحبا بالعالم",
  "שלום",
  "Z̸̢͉̞̈́a̵l̶g̷o̴",
  "👩‍👩‍👧‍👦".repeat(30),
  "\uFEFF\u200B\u2060",
  "𝕳𝖊𝖑𝖑𝖔",
  "İıß",
  "\u0007\u001b[31mred",
  // Numbers written as text
  "-1",
  "1e308",
  "-1e308",
  "NaN",
  "Infinity",
  "0x10",
  "9007199254740993",
  "-0",
  // Paths, templates, prototypes
  "../../etc/passwd",
  "${7*7}",
  "{{7*7}}",
  "__proto__",
  "constructor",
  "toString",
  // Ids that are not the caller's
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "not-a-uuid",
  " 2f1c3b9e-8a7d-4c6b-9e5f-1a2b3c4d5e6f ",
  "2F1C3B9E-8A7D-4C6B-9E5F-1A2B3C4D5E6F",
];

/** Characters PostgreSQL text cannot hold, or that are not Unicode scalar values. */
export const unstorableStrings = ["a\u0000b", "\u0000", "\uD800", "a\uDFFFb"];

export const adversarialNumbers = [
  -1,
  0,
  -0,
  1e308,
  -1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 31,
  -(2 ** 31) - 1,
  0.1 + 0.2,
  5e-324,
];

const wrongTypes: unknown[] = [
  null,
  undefined,
  true,
  false,
  [],
  {},
  [[[[]]]],
  { a: { b: { c: { d: {} } } } },
  new Date(Number.NaN),
  new Date(8.64e15),
  10n ** 30n,
  new Blob(["a file where text was expected"]),
  new Map([["k", "v"]]),
  Symbol.for("s"),
];

/** One hostile value: adversarial text, numbers, wrong types, random strings, nested garbage. */
export function hostileValue(options: { ids?: string[]; unstorable?: boolean } = {}) {
  const strings = [...adversarialStrings, ...(options.unstorable ? unstorableStrings : [])];
  const leaf = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...strings) },
    { weight: 2, arbitrary: fc.constantFrom(...adversarialNumbers) },
    { weight: 2, arbitrary: fc.constantFrom(...wrongTypes) },
    { weight: 1, arbitrary: fc.constantFrom(...(options.ids?.length ? options.ids : ["x"])) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
  );
  return fc.oneof(
    { weight: 5, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), leaf, { maxKeys: 3 }) },
  );
}

/**
 * Inputs for an endpoint whose valid input is `template`: garbage in place of the whole input,
 * one field made hostile, or several fields (known ones and ones nobody may set) made hostile.
 */
export function hostileInput(
  template: unknown,
  fields: string[],
  options: { ids?: string[]; unstorable?: boolean } = {},
) {
  const value = hostileValue(options);
  const whole = value as fc.Arbitrary<unknown>;
  if (!fields.length || !template || typeof template !== "object") return whole;
  const base = template as Record<string, unknown>;
  const extra = ["orgId", "role", "id", "userId", "__proto__", "constructor"];
  return fc.oneof(
    { weight: 1, arbitrary: whole },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...fields), value)
        .map(([field, v]) => ({ ...base, [field]: v })),
    },
    {
      weight: 2,
      arbitrary: fc
        .uniqueArray(fc.tuple(fc.constantFrom(...fields, ...extra), value), {
          maxLength: 4,
          selector: ([k]) => k,
        })
        .map((pairs) => {
          const input: Record<string, unknown> = { ...base };
          for (const [k, v] of pairs)
            Object.defineProperty(input, k, {
              value: v,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          return input;
        }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...fields).map((field) => {
        const rest = { ...base };
        delete rest[field];
        return rest;
      }),
    },
  );
}

// A message a person can act on, not the generic failure that stands for an unexpected exception
// (app/_server/action.ts, the form actions), and never a stack trace or an internal error.
const GENERIC = /went wrong|problem on our side|cannot decide right now|cannot store usage/i;
const INTERNAL = /\n\s+at |\bError:|postgres|pglite|violates|syntax error|relation "|\bSQL\b/i;

export function expectClearRefusal(message: unknown, context: string) {
  expect(typeof message, context).toBe("string");
  const text = message as string;
  expect(text.trim().length, context).toBeGreaterThan(0);
  expect(text, context).not.toMatch(GENERIC);
  expect(text, context).not.toMatch(INTERNAL);
}

/** The next transaction id: it moves only when some transaction wrote something. */
async function nextXid(db: Db): Promise<string> {
  const [row] = await queryRows<{ x: string }>(
    db,
    sql`select pg_snapshot_xmax(pg_current_snapshot())::text as x`,
  );
  return row!.x;
}

/**
 * Watches two organisations across calls: after each call, what changed must be allowed to
 * change. Fingerprints are taken again only when some transaction wrote (cheap otherwise).
 */
export async function watch(db: Db, orgA: string, orgB: string) {
  const take = async () => ({ a: await fingerprint(db, orgA), b: await fingerprint(db, orgB) });
  let known = await take();
  let xid = await nextXid(db);
  return {
    /** Checks the call just made: `mayChangeA` when it succeeded; B never changes. */
    async after(mayChangeA: boolean, context: string) {
      const now = await nextXid(db);
      if (now === xid) return;
      const seen = await take();
      expect(seen.b, `${context}: another organisation changed`).toEqual(known.b);
      if (!mayChangeA) expect(seen.a, `${context}: a refused call changed data`).toEqual(known.a);
      known = seen;
      xid = await nextXid(db);
    },
  };
}

/** A short description of an input for failure messages (huge strings shortened). */
export function describeInput(input: unknown): string {
  try {
    const text = JSON.stringify(input, (_k, v: unknown) =>
      typeof v === "string" && v.length > 60
        ? `${v.slice(0, 20)}…(${v.length} chars)`
        : typeof v === "bigint"
          ? `${v}n`
          : v,
    );
    return (text ?? String(input)).slice(0, 600);
  } catch {
    return String(input).slice(0, 600);
  }
}
