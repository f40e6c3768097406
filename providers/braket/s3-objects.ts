/** Reading a Braket result file from S3: bounded in size, parsed as JSON, errors mapped. */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { QplaneError } from "../../src/errors/catalogue.js";
import { mapBraketError } from "./errors.js";

/**
 * Largest S3 result file read, in bytes: 100 000 shots of 40 measured qubits as JSON are
 * ~8 MB, 2^20 exact probabilities ~25 MB; anything far beyond is not a result to hold in memory.
 */
export const MAX_RESULT_BYTES = 256 * 2 ** 20;

/** `s3://bucket/key` parsed as JSON; refuses files over {@link MAX_RESULT_BYTES}. */
export async function readS3Json(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if ((object.ContentLength ?? 0) > MAX_RESULT_BYTES) {
      (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `s3://${bucket}/${key} holds ${object.ContentLength} bytes, more than the ${MAX_RESULT_BYTES} a Braket result file is read up to`,
      );
    }
    return JSON.parse(await object.Body!.transformToString());
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new QplaneError(
        "QPLANE_ERR_PROVIDER_JOB_FAILED",
        `s3://${bucket}/${key} is not JSON: ${error.message}`,
      );
    }
    throw mapBraketError(error, `reading s3://${bucket}/${key}`);
  }
}
