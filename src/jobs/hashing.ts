/** Hashes of request bodies and keys, for Idempotency-Key claims. */
import { createHash } from "node:crypto";

export { canonicalJson } from "../files/canonical-json.js";

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
