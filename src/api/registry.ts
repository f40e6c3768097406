/**
 * The API's registry of schema names and descriptions: a named schema becomes a component of
 * the OpenAPI document (`#/components/schemas/<id>`, `<id>Input` for its request side).
 * The registry is this module's own, not zod's global one, which would be shared with every
 * other user of the spec schemas.
 */
import { z } from "zod";

export interface ApiSchemaMeta {
  id?: string | undefined;
  description?: string | undefined;
  [key: string]: unknown;
}

export const apiSchemas = z.registry<ApiSchemaMeta>();

/** `schema` as the component `id` of the OpenAPI document. */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiSchemas.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

/** `schema` with a description in the OpenAPI document. */
export function doc<T extends z.ZodType>(schema: T, description: string): T {
  apiSchemas.add(schema, { description });
  return schema;
}
