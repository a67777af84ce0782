// Lenient parsing, so that every problem is found in one run: when a section does not
// parse, keep what did parse (valid fields, valid list items) and record which key
// paths were invalid, so that cross-field rules can run on the rest and skip only the
// rules that depend on an invalid value (no follow-on errors from defaults).
import { z } from "zod";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

/** The option of a discriminated union that `value`'s discriminator selects. */
function optionFor(schema: z.ZodDiscriminatedUnion, value: Record<string, unknown>): z.ZodType | undefined {
  const key = schema.def.discriminator;
  return (schema.options as z.ZodType[]).find((o) => o instanceof z.ZodObject && o.shape[key]?.safeParse(value[key]).success);
}

export interface Salvaged {
  ok: boolean;
  /**
   * What parsed: objects without their invalid optional fields, lists with holes (sparse arrays)
   * where an item was invalid. Only ever used together with the invalid paths.
   */
  data?: unknown;
}

/**
 * Parses `value` with `schema`, keeping every part that is valid on its own. `invalid` receives the
 * path of every value that was dropped (an object whose required field is invalid is dropped whole).
 */
export function salvage(schema: z.ZodType, value: unknown, path: PropertyKey[], invalid: PropertyKey[][]): Salvaged {
  const whole = schema.safeParse(value);
  if (whole.success) return { ok: true, data: whole.data };
  const fail = (): Salvaged => {
    invalid.push(path);
    return { ok: false };
  };
  const s = unwrap(schema);
  if (s instanceof z.ZodDiscriminatedUnion && isPlainObject(value)) {
    const option = optionFor(s, value);
    return option ? salvage(option, value, path, invalid) : fail();
  }
  if (s instanceof z.ZodObject && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    let ok = true;
    for (const [k, child] of Object.entries(s.shape as Record<string, z.ZodType>)) {
      const r = salvage(child, value[k], [...path, k], invalid);
      if (r.ok) {
        if (r.data !== undefined) out[k] = r.data;
      } else if (!child.safeParse(undefined).success) {
        ok = false; // a required field is invalid: the object is unusable
      }
    }
    // Unknown keys alone make a strict object fail; they are reported, and dropping them is harmless.
    return ok ? { ok: true, data: out } : fail();
  }
  if (s instanceof z.ZodArray && Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    const before = invalid.length;
    value.forEach((v, i) => {
      const r = salvage(s.element as z.ZodType, v, [...path, i], invalid);
      if (r.ok) out[i] = r.data;
    });
    // Some item was dropped (a hole) or kept without its invalid parts: the items are to blame.
    // Otherwise every item is valid, so the list itself is wrong (too short, too long): unusable.
    return invalid.length > before ? { ok: true, data: out } : fail();
  }
  if (s instanceof z.ZodRecord && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    let dropped = false;
    for (const [k, v] of Object.entries(value)) {
      const entry = (s as z.ZodRecord).safeParse({ [k]: v });
      if (entry.success) Object.assign(out, entry.data);
      else {
        invalid.push([...path, k]);
        dropped = true;
      }
    }
    return dropped ? { ok: true, data: out } : fail();
  }
  return fail();
}

/** The keys an object schema allows at `path` inside `input` (for "did you mean" on unknown keys). */
export function knownKeysAt(schema: z.ZodType, input: unknown, path: readonly PropertyKey[]): string[] {
  let s = unwrap(schema);
  let value = input;
  const resolveUnion = () => {
    if (s instanceof z.ZodDiscriminatedUnion && isPlainObject(value)) s = unwrap(optionFor(s, value) ?? s);
  };
  resolveUnion();
  for (const p of path) {
    if (s instanceof z.ZodObject) s = unwrap((s.shape as Record<string, z.ZodType>)[String(p)] ?? z.never());
    else if (s instanceof z.ZodArray) s = unwrap(s.element as z.ZodType);
    else if (s instanceof z.ZodRecord) s = unwrap(s.def.valueType as z.ZodType);
    else return [];
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[p as string] : undefined;
    resolveUnion();
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** The invalid key paths (from salvage, as platform:<section>.<path>): a rule whose input is invalid does not run. */
export type Invalid = readonly string[];

/** Whether `key`, something inside it, or something it is inside was invalid. */
export function isInvalid(invalid: Invalid, key: string): boolean {
  return invalid.some((i) => i === key || i.startsWith(`${key}.`) || i.startsWith(`${key}[`) || key.startsWith(`${i}.`) || key.startsWith(`${i}[`));
}

/** The items of a list that parsed, with their index in the stack file (a partially parsed list has holes). */
export function present<T>(list: readonly (T | undefined)[]): [T, number][] {
  const out: [T, number][] = [];
  list.forEach((item, i) => {
    if (item !== undefined) out.push([item, i]);
  });
  return out;
}
