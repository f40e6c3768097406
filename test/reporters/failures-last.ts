/**
 * Repeats every failure, one line each, after vitest's summary. CI logs are often read from
 * their end (or cut to their end), where the default reporter leaves only the counts; this
 * makes the failing file, test and first line of the error the last thing printed.
 */
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";

const MESSAGE_CHARS = 300;

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS)}…` : line;
}

export default class FailuresLast implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<{ message?: string; name?: string }>,
  ): void {
    const lines: string[] = [];
    for (const testModule of testModules) {
      const file = relative(process.cwd(), testModule.moduleId);
      for (const error of testModule.errors()) {
        lines.push(`FAILED ${file} (module): ${firstLine(error.message ?? String(error))}`);
      }
      for (const testCase of testModule.children.allTests("failed")) {
        const message = testCase.result().errors?.[0]?.message ?? "(no message)";
        lines.push(`FAILED ${file} > ${testCase.fullName}: ${firstLine(message)}`);
      }
    }
    for (const error of unhandledErrors) {
      lines.push(`UNHANDLED ${error.name ?? "Error"}: ${firstLine(error.message ?? "")}`);
    }
    if (lines.length > 0) process.stdout.write(`\n${lines.join("\n")}\n`);
  }
}
