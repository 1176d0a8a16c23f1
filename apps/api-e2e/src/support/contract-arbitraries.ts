import fc from 'fast-check';
import { z } from 'zod';

/** The part of JSON Schema that `z.toJSONSchema` emits for the API's input contracts. */
export interface JsonSchema {
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'null';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  format?: string;
}

/**
 * The input side of a contract as JSON Schema: its structure, string lengths, number ranges and
 * enums. Refinements (password rules, email syntax, name characters) are not representable; the
 * contract itself stays the oracle for what is valid (`contract.safeParse`).
 */
export function inputSchemaOf(contract: z.ZodType): JsonSchema {
  return z.toJSONSchema(contract, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/**
 * Characters that tend to break things: control characters (PostgreSQL text cannot hold NUL),
 * whitespace that `trim()` does or does not remove, invisible and bidi characters, unpaired
 * surrogates, normalisation and case-mapping edge cases, multi-byte text, and SQL/LIKE/HTML/email
 * metacharacters.
 */
const TRICKY_CHARS: readonly string[] = [
  '\u0000', '\u0001', '\u0008', '\u001b', '\u007f', '\u0085',
  '\t', '\n', '\r', ' ', '\u00a0', '\u2028', '\u3000',
  '\u200b', '\u200d', '\u202e', '\ufeff',
  '\ud800', '\udfff',
  '\u0301', 'e\u0301', '\u0344', '\u1100\u1161', '\ufb00', '\u0130', '\u00df', '\u03a3',
  '\u00e9', '\u00f8', '\u674e', '\u{1f600}', '\u{1f469}\u200d\u{1f469}\u200d\u{1f467}',
  '%', '_', '\\', "'", '"', '`', '<', '>', '&', ';', '--', '/*', '$1', '@', '.', '+',
];

/** The characters most likely to reach a code path nobody wrote for: drawn more often than the rest. */
const CONTROL_AND_BROKEN: readonly string[] = ['\u0000', '\u0000', '\u0001', '\u007f', '\ud800', '\udfff'];

const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_CHARS) },
  { weight: 1, arbitrary: fc.constantFrom(...CONTROL_AND_BROKEN) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Mostly printable ASCII, with any Unicode, tricky characters and raw code points mixed in. */
export function wildString(minLength = 0, maxLength = 40): fc.Arbitrary<string> {
  return fc.string({ unit, minLength, maxLength });
}

/** Domain-aware arbitraries for some fields, mixed with the schema-derived ones. */
export type FieldHints = Record<string, fc.Arbitrary<unknown>>;

function stringConforming(s: JsonSchema): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.format === 'uuid') return fc.uuid();
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? min + 40;
  const options = [wildString(min, Math.min(max, min + 40))];
  // The boundary itself: exactly the longest accepted length.
  if (s.maxLength !== undefined) options.push(fc.string({ unit: 'grapheme-ascii', minLength: max, maxLength: max }));
  return fc.oneof(...options);
}

function integerBounds(s: JsonSchema): { min: number; max: number } {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -2_147_483_648);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 2_147_483_647);
  return { min, max };
}

/** Values that satisfy the schema's structure (not necessarily its refinements). */
export function conforming(s: JsonSchema, hints: FieldHints = {}): fc.Arbitrary<unknown> {
  switch (s.type) {
    case 'object': {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const hint = hints[key];
        model[key] = hint ? fc.oneof({ weight: 4, arbitrary: hint }, { weight: 1, arbitrary: conforming(prop) }) : conforming(prop);
      }
      return fc.record(model, { requiredKeys: s.required ?? [] });
    }
    case 'string':
      return stringConforming(s);
    case 'integer': {
      const { min, max } = integerBounds(s);
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    default:
      return fc.jsonValue();
  }
}

const anyJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 6 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

function hasType(s: JsonSchema, value: unknown): boolean {
  switch (s.type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/** Keys a strict object must refuse; `__proto__` and `constructor` probe for prototype handling. */
const extraKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'id', 'isAdmin', ''),
  fc.string({ minLength: 1, maxLength: 8 }),
);

/** Values that break the schema: a wrong type, a missing or extra key, a bound overstepped. */
export function violating(s: JsonSchema): fc.Arbitrary<unknown> {
  const wrongType = anyJson.filter((v) => !hasType(s, v));
  switch (s.type) {
    case 'object': {
      const props = s.properties ?? {};
      const keys = Object.keys(props);
      const options: fc.Arbitrary<unknown>[] = [wrongType];
      const required = s.required ?? [];
      if (required.length > 0) {
        options.push(
          fc.tuple(conforming(s), fc.constantFrom(...required)).map(([value, key]) => {
            const copy = { ...(value as Record<string, unknown>) };
            delete copy[key];
            return copy;
          }),
        );
      }
      if (s.additionalProperties === false) {
        options.push(
          fc
            .tuple(conforming(s), extraKey.filter((k) => !keys.includes(k)), anyJson)
            .map(([value, key, extra]) => ({ ...(value as Record<string, unknown>), [key]: extra })),
        );
      }
      if (keys.length > 0) {
        options.push(
          fc
            .constantFrom(...keys)
            .chain((key) =>
              fc.tuple(conforming(s), violating(props[key] as JsonSchema)).map(([value, bad]) => ({ ...(value as Record<string, unknown>), [key]: bad })),
            ),
        );
      }
      return fc.oneof(...options);
    }
    case 'string': {
      const options: fc.Arbitrary<unknown>[] = [wrongType];
      if (s.maxLength !== undefined) options.push(wildString(s.maxLength + 1, s.maxLength + 60).filter((v) => v.length > (s.maxLength ?? 0)));
      if ((s.minLength ?? 0) > 0) options.push(fc.constant(''));
      if (s.format === 'uuid') options.push(fc.oneof(wildString(1, 40), fc.uuid().map((u) => u.toUpperCase().replace(/-/g, ''))));
      if (s.enum) options.push(fc.oneof(fc.constantFrom(...s.enum.map((v) => String(v).toUpperCase())), wildString(0, 8)).filter((v) => !s.enum?.includes(v)));
      return fc.oneof(...options);
    }
    case 'integer': {
      const { min, max } = integerBounds(s);
      return fc.oneof(
        wrongType,
        fc.integer({ min: min - 1000, max: min - 1 }),
        fc.integer({ min: max + 1, max: max + 1000 }),
        fc.double({ min, max, noNaN: true, noInteger: true }),
        fc.constantFrom(1e20, -1e20, Number.MAX_SAFE_INTEGER + 2, 0.5, -0.5),
        fc.integer({ min, max }).map((n) => String(n)),
      );
    }
    case 'boolean':
      return fc.oneof(wrongType, fc.constantFrom('true', 'false', 1, 0, null));
    default:
      return wrongType;
  }
}
