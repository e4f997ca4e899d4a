import { z } from 'zod';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), as a plain object. */
export type JsonSchema = { [keyword: string]: unknown };

/** The keys of T a value must have (those not marked `?`). */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** The keys of T a value may leave out. */
export type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;

/**
 * The JSON Schema of an interface's object: `properties` must name exactly the interface's keys (a key
 * missing or extra fails `tsc`), and `optional` exactly its optional ones (the rest are `required`). What
 * each property's schema says is checked against real answers by openapi.test.ts.
 */
export function objectSchema<T>(
  properties: { [K in keyof T]-?: JsonSchema },
  optional: { [K in OptionalKeys<T>]: true } & { [K in RequiredKeys<T>]?: never },
  description?: string,
): JsonSchema {
  const skip = new Set(Object.keys(optional));
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties).filter((k) => !skip.has(k)),
    additionalProperties: false,
  };
}

export const string: JsonSchema = { type: 'string' };
export const integer: JsonSchema = { type: 'integer' };
export const boolean: JsonSchema = { type: 'boolean' };
/** Times are ISO 8601 strings. */
export const time: JsonSchema = { type: 'string', format: 'date-time' };
export const nullable = (s: JsonSchema): JsonSchema => ({ oneOf: [s, { type: 'null' }] });
export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
export const literal = (value: string | boolean): JsonSchema => ({ const: value });
/** One of the values, each listed once (JSON Schema's `enum` must not repeat one: two lists joined may share some). */
export const oneOf = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...new Set(values)] });
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/**
 * A zod schema of the protocol as JSON Schema: `input` for what a client sends (what the route's zod
 * schema accepts, defaults optional), `output` for what the server stores and answers (content, profile).
 * Checks zod cannot express (refinements, transforms) are left out; the route still applies them.
 */
export function fromZod(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}
