/**
 * The one source of a job's statuses and of the rules for its labels, shared by the job
 * service (which enforces them on every submission, whoever calls it) and the HTTP API
 * (whose request schemas are built from the zod schemas here, so the two cannot drift).
 *
 * The rule for names and tags (docs/architecture.md, "Names and tags"):
 * - name: optional, 1-{@link MAX_NAME_LENGTH} characters, no control characters (Unicode Cc);
 *   a label for people, not unique.
 * - tags: at most {@link MAX_TAGS}, each 1-{@link MAX_TAG_LENGTH} letters, digits, `.`, `_`,
 *   `:` or `-` starting with a letter or digit ({@link TAG_PATTERN}), none repeated. Tags are
 *   index keys (`?tag=` filters), so they are kept to characters that are safe in a URL, a
 *   Redis key and a log line; a repeated tag is refused rather than silently merged, so a job
 *   carries exactly the tags its submission listed.
 */
import { z } from "zod";
import { QplaneError } from "../errors/catalogue.js";
import { describeValue } from "../errors/describe.js";

export const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** Statuses a job never leaves. */
export const TERMINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set([
  "completed",
  "failed",
  "cancelled",
]);
export const jobStatusSchema = z.enum(JOB_STATUSES);

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 64;
export const MAX_NAME_LENGTH = 200;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export const TAG_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,${MAX_TAG_LENGTH - 1}}$`);
export const TAG_RULE = `must be 1-${MAX_TAG_LENGTH} letters, digits, '.', '_', ':' or '-', starting with a letter or digit`;
/** No control characters: they would forge log lines and break terminals. */
const PRINTABLE = /^[^\p{Cc}]*$/u;
const NAME_RULE = `must be 1-${MAX_NAME_LENGTH} characters without control characters`;
const REPEAT_RULE = "must not repeat a tag";

export const jobNameSchema = z
  .string()
  .min(1)
  .max(MAX_NAME_LENGTH)
  .regex(PRINTABLE, { message: "must not contain control characters" });

export const jobTagSchema = z.string().regex(TAG_PATTERN, { message: TAG_RULE });

export const jobTagsSchema = z
  .array(jobTagSchema)
  .max(MAX_TAGS)
  .refine((tags) => new Set(tags).size === tags.length, { message: REPEAT_RULE });

function invalid(field: string, rule: string, value: unknown): QplaneError {
  return new QplaneError(
    "QPLANE_ERR_REQUEST_INVALID",
    `${field}: ${rule} (got ${describeValue(value)})`,
  );
}

/** A submission's name under the rule above (null: none). */
export function checkJobName(name: unknown): string | null {
  if (name === undefined || name === null) return null;
  if (!jobNameSchema.safeParse(name).success) throw invalid("name", NAME_RULE, name);
  return name as string;
}

/** A submission's tags under the rule above, in the order given. */
export function checkJobTags(tags: unknown): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags) || tags.length > MAX_TAGS) {
    throw invalid("tags", `must be a list of at most ${MAX_TAGS} tags`, tags);
  }
  const seen = new Set<string>();
  tags.forEach((tag: unknown, index) => {
    if (typeof tag !== "string" || !TAG_PATTERN.test(tag)) {
      throw invalid(`tags[${index}]`, TAG_RULE, tag);
    }
    if (seen.has(tag)) throw invalid(`tags[${index}]`, REPEAT_RULE, tag);
    seen.add(tag);
  });
  return [...tags] as string[];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * An Idempotency-Key as the job service takes it: 1-255 characters without control
 * characters. Wider than the HTTP header's visible ASCII on purpose: experiment children's
 * internal keys contain spaces, which keeps them out of clients' reach.
 */
export function checkIdempotencyKey(key: unknown): string | undefined {
  if (key === undefined) return undefined;
  if (
    typeof key !== "string" ||
    key.length === 0 ||
    key.length > MAX_IDEMPOTENCY_KEY_LENGTH ||
    CONTROL.test(key)
  ) {
    throw new QplaneError(
      "QPLANE_ERR_REQUEST_INVALID",
      `Idempotency-Key: must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters without control characters`,
    );
  }
  return key;
}
