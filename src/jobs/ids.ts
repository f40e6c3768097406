/**
 * Job ids: ULID-style, 26 Crockford base32 characters (URL-safe, case-sensitive here): 10 of
 * creation time in milliseconds, then 16 of randomness. Ids sort by creation time; within
 * one millisecond a process increments the random part, so its ids stay in creation order.
 *
 * A string that is not a well-formed id names no job: `assertJobId` answers it with
 * QPLANE_ERR_JOB_NOT_FOUND (404) before Redis is asked, with a message that says why.
 */
import { randomBytes } from "node:crypto";
import { QplaneError } from "../errors/catalogue.js";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;
/** 48 bits of milliseconds in 10 base-32 digits: the first digit is at most 7. */
export const JOB_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

let lastTime = -1;
let lastRandom: number[] = [];

function encodeTime(ms: number): string {
  let text = "";
  for (let i = 0; i < TIME_LENGTH; i++) {
    text = ALPHABET[ms % 32]! + text;
    ms = Math.floor(ms / 32);
  }
  return text;
}

function freshRandom(): number[] {
  return Array.from(randomBytes(RANDOM_LENGTH), (byte) => byte % 32);
}

/** Adds one to the random digits; false on overflow (2^80 ids in one millisecond). */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]!++;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

/** A new job id, greater than every id this process made before. */
export function newJobId(now: number = Date.now()): string {
  if (now > lastTime) {
    lastTime = now;
    lastRandom = freshRandom();
  } else if (!increment(lastRandom)) {
    lastTime += 1;
    lastRandom = freshRandom();
  }
  return encodeTime(lastTime) + lastRandom.map((digit) => ALPHABET[digit]).join("");
}

export function isJobId(value: unknown): value is string {
  return typeof value === "string" && JOB_ID_PATTERN.test(value);
}

/** The creation time (ms since the epoch) encoded in an id. */
export function jobIdTime(id: string): number {
  let ms = 0;
  for (const char of id.slice(0, TIME_LENGTH)) ms = ms * 32 + ALPHABET.indexOf(char);
  return ms;
}

/** Returns the id, or throws QPLANE_ERR_JOB_NOT_FOUND saying why no job can have it. */
export function assertJobId(value: unknown): string {
  if (isJobId(value)) return value;
  const text = typeof value === "string" ? value : String(value);
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
  throw new QplaneError(
    "QPLANE_ERR_JOB_NOT_FOUND",
    `id: ${shown} is not a job id (26 characters of 0-9 and A-Z without I, L, O, U)`,
  );
}
