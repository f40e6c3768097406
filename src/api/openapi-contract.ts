/**
 * What the OpenAPI document says beyond the routes' zod schemas, so that a client generated
 * from it (openapi-typescript + openapi-fetch: examples/client/) gets the contract right:
 * - every response documents its headers: the ones the route declares (`Location`,
 *   `Idempotent-Replayed`, …), `Retry-After` on every 429 and 503, `X-Request-Id` on every
 *   response and the rate limiter's `X-RateLimit-*` on the routes it counts, as the app sends
 *   them (errors.ts `retryAfterHook`, app.ts's onRequest hook, @fastify/rate-limit);
 * - query parameters kept only for older clients are left out (`LEGACY_QUERY_PARAMETERS`);
 * - request schemas (`…Input`) carry defaults in their descriptions, not as `default`:
 *   generators read a property with a `default` as always present (true of responses, where
 *   the server fills it in), which would make every defaulted spec field required to send;
 * - components nothing refers to are left out: zod's registries give every named schema a
 *   request (`…Input`) and a response form, and most are used one way only;
 * - the document a server serves shows that server's spec limits (`model.qubits` at most
 *   `QPLANE_MAX_QUBITS`, …); the committed one shows the default configuration's.
 */
import type { createJsonSchemaTransform } from "fastify-type-provider-zod";
import type { SpecLimits } from "../config.js";
import { present } from "../errors/checked.js";
import { RETRY_AFTER_SECONDS } from "./errors.js";
import {
  type HeaderDocs,
  RATE_LIMIT_HEADERS,
  REQUEST_ID_HEADER,
  RETRY_AFTER_HEADER,
} from "./responses.js";
import { LEGACY_QUERY_PARAMETERS } from "./schemas.js";

type Transform = ReturnType<typeof createJsonSchemaTransform>;
type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * A route's headers in the form @fastify/swagger turns into OpenAPI header objects: it moves
 * `description` out of the schema; `required` is moved out by `finishDocument`.
 */
function swaggerHeaders(headers: HeaderDocs): JsonObject {
  return Object.fromEntries(
    Object.entries(headers).map(([name, header]) => [
      name,
      { ...header.schema, description: header.description, required: header.required },
    ]),
  );
}

/** The headers a response of `status` carries: the route's, then the app-wide ones. */
function responseHeaders(
  status: string,
  declared: HeaderDocs | undefined,
  rateLimited: boolean,
): HeaderDocs {
  return {
    ...declared,
    ...(RETRY_AFTER_SECONDS[Number(status)] !== undefined && RETRY_AFTER_HEADER),
    ...(rateLimited && RATE_LIMIT_HEADERS),
    ...REQUEST_ID_HEADER,
  };
}

/**
 * Wraps fastify-type-provider-zod's route transform: response headers and media-type fields
 * besides `schema` (an `example`), which it drops, and the legacy query parameters left out.
 */
export function documentRoute(transform: Transform): Transform {
  return (input) => {
    const output = transform(input);
    const declared = (input.schema as { response?: Record<string, JsonObject> }).response ?? {};
    const schema = output.schema as {
      response?: Record<string, JsonObject>;
      querystring?: unknown;
    };
    // probes opt out of the rate limit with `config: { rateLimit: false }`
    const { config } = (input as { route?: { config?: { rateLimit?: unknown } } }).route ?? {};
    const rateLimited = config?.rateLimit !== false;
    for (const [status, response] of Object.entries(schema.response ?? {})) {
      const route = declared[status] ?? {};
      response.headers = swaggerHeaders(
        responseHeaders(status, route.headers as HeaderDocs | undefined, rateLimited),
      );
      const content = route.content as Record<string, JsonObject> | undefined;
      for (const [mediaType, media] of Object.entries(content ?? {})) {
        const { schema: _schema, ...fields } = media;
        Object.assign(
          present(
            (response.content as Record<string, JsonObject>)[mediaType],
            `response ${status} ${mediaType}`,
          ),
          fields,
        );
      }
    }
    const legacy = LEGACY_QUERY_PARAMETERS[String(input.schema.operationId)] ?? [];
    const properties = isObject(schema.querystring) ? schema.querystring.properties : undefined;
    if (isObject(properties)) for (const name of legacy) delete properties[name];
    return output;
  };
}

/** Each response header's `required`, moved from its schema onto the header object. */
function finishHeaders(document: JsonObject): void {
  for (const item of Object.values((document.paths ?? {}) as Record<string, JsonObject>)) {
    for (const operation of Object.values(item).filter(isObject)) {
      for (const response of Object.values((operation.responses ?? {}) as JsonObject)) {
        const headers = isObject(response) ? response.headers : undefined;
        for (const header of Object.values(isObject(headers) ? headers : {})) {
          const { schema } = header as { schema: JsonObject };
          if (typeof schema.required === "boolean") {
            (header as JsonObject).required = schema.required;
            delete schema.required;
          }
        }
      }
    }
  }
}

/** A default as a sentence of a description. */
function defaultText(value: unknown): string {
  return `Default: \`${JSON.stringify(value)}\`.`;
}

/** Moves the `default` of every property under `schema` into the property's description. */
function describeDefaults(schema: unknown): void {
  if (Array.isArray(schema)) {
    schema.forEach(describeDefaults);
    return;
  }
  if (!isObject(schema)) return;
  if (isObject(schema.properties)) {
    for (const property of Object.values(schema.properties).filter(isObject)) {
      if ("default" in property) {
        const sentence = defaultText(property.default);
        property.description =
          typeof property.description === "string"
            ? `${property.description} ${sentence}`
            : sentence;
        delete property.default;
      }
    }
  }
  for (const child of Object.values(schema)) describeDefaults(child);
}

/** The request-side property each spec limit bounds (the spec schema's own bound may be lower). */
const LIMITED_FIELDS: readonly [component: string, property: string, limit: keyof SpecLimits][] = [
  ["ModelSpecInput", "qubits", "maxQubits"],
  ["BackendSpecInput", "shots", "maxShots"],
  ["InfoPlaneSpecInput", "shots", "maxShots"],
  ["TrainingSpecInput", "epochs", "maxEpochs"],
  ["DatasetSpecInput", "samples", "maxDatasetRows"],
];

/** Lowers the `maximum` of each limited spec field to this server's limit. */
export function withSpecLimits(document: JsonObject, limits: SpecLimits): void {
  const schemas = ((document.components as JsonObject | undefined)?.schemas ?? {}) as Record<
    string,
    { properties?: Record<string, JsonObject> }
  >;
  for (const [component, property, limit] of LIMITED_FIELDS) {
    const field = schemas[component]?.properties?.[property];
    if (field === undefined) throw new Error(`OpenAPI: no ${component}.${property} to limit`);
    const bound = typeof field.maximum === "number" ? field.maximum : Number.POSITIVE_INFINITY;
    field.maximum = Math.min(bound, limits[limit]);
  }
}

/**
 * Components referred to by no operation nor other kept component, except `KEPT_COMPONENTS`:
 * `JobEvent`, what each event stream frame's `data:` holds (a stream's body is text, so only
 * its description names it).
 */
const KEPT_COMPONENTS = new Set(["JobEvent"]);

function pruneUnused(document: JsonObject): void {
  const schemas = ((document.components as JsonObject | undefined)?.schemas ?? {}) as JsonObject;
  // removing one may leave others unreferenced: repeat until nothing changes
  for (;;) {
    const text = JSON.stringify({ ...document, components: { schemas } });
    const unused = Object.keys(schemas).filter(
      (name) => !KEPT_COMPONENTS.has(name) && !text.includes(`"#/components/schemas/${name}"`),
    );
    if (unused.length === 0) return;
    for (const name of unused) delete schemas[name];
  }
}

/** The finishing steps over the whole document (see the module comment). */
export function finishDocument(document: JsonObject, limits: SpecLimits | undefined): JsonObject {
  finishHeaders(document);
  pruneUnused(document);
  const schemas = ((document.components as JsonObject | undefined)?.schemas ?? {}) as JsonObject;
  for (const [name, schema] of Object.entries(schemas)) {
    if (name.endsWith("Input")) describeDefaults(schema);
  }
  if (limits !== undefined) withSpecLimits(document, limits);
  return document;
}
