import { isQplaneError } from "../../src/errors/catalogue.js";

/** The code and message of the QplaneError `run` throws (fails the test when it throws none). */
export function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isQplaneError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a QplaneError");
}
