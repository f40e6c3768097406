/**
 * The fake Braket's CreateQuantumTask checks: the request's required fields and sizes, then
 * its `action` against the device (program or program set, gates, qubits, shots, executables),
 * each failure a ValidationException with its `reason`.
 */
import { checkQubits, gatesOf, ValidationError } from "./fake-programs.js";
import type { FakeDevice } from "./fake-server.js";

/** A CreateQuantumTask request's fields, checked for presence and size. */
export interface CreateTaskRequest {
  readonly clientToken: string;
  readonly deviceArn: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly actionText: string;
  readonly shots: number;
}

const fail = (message: string): never => {
  throw new ValidationError(message, "InvalidInput");
};

export function createTaskRequestOf(body: Record<string, unknown>): CreateTaskRequest {
  const str = (name: string, min: number, max: number): string => {
    const value = body[name];
    if (typeof value !== "string" || value.length < min || value.length > max)
      fail(`${name} must be a string of ${min}..${max} characters`);
    return value as string;
  };
  const clientToken = str("clientToken", 1, 64);
  const deviceArn = str("deviceArn", 1, 256);
  const bucket = str("outputS3Bucket", 3, 63);
  const prefix = str("outputS3KeyPrefix", 1, 1024);
  const actionText = str("action", 1, 1_000_000);
  const shots = typeof body.shots === "number" ? body.shots : Number.NaN;
  if (!Number.isInteger(shots) || shots < 0) fail("shots must be an integer >= 0");
  return { clientToken, deviceArn, bucket, prefix, actionText, shots };
}

/** The request's parsed `action`, checked against `device` (undefined: no such device). */
export function checkedAction(
  device: FakeDevice | undefined,
  { deviceArn, actionText, shots }: CreateTaskRequest,
): Record<string, unknown> {
  if (!device) throw new ValidationError(`Device ${deviceArn} does not exist`, "InvalidInput");
  let action: Record<string, unknown>;
  try {
    action = JSON.parse(actionText) as Record<string, unknown>;
  } catch {
    return fail("action is not valid JSON");
  }
  const header = action.braketSchemaHeader as { name?: string } | undefined;
  const programs = header?.name === "braket.ir.openqasm.program_set" ? action.programs : [action];
  if (header?.name === "braket.ir.openqasm.program_set" && !device.programSet)
    fail(`Device ${deviceArn} does not support program sets`);
  if (
    header?.name !== "braket.ir.openqasm.program_set" &&
    header?.name !== "braket.ir.openqasm.program"
  )
    fail(`unsupported action ${header?.name}`);
  if (!Array.isArray(programs) || programs.length === 0) fail("programs must be a non-empty list");
  const isSet = header?.name === "braket.ir.openqasm.program_set";
  let executables = 0;
  (programs as Record<string, unknown>[]).forEach((program, programIndex) => {
    const source = program.source;
    if (typeof source !== "string") fail(`program ${programIndex}: source missing`);
    for (const gate of gatesOf(source as string)) {
      if (!device.supportedOperations.includes(gate))
        throw new ValidationError(
          `Gate '${gate}' is not supported by device ${device.name}`,
          "UnsupportedOperation",
        );
    }
    checkQubits(device, source as string, fail);
    const inputs = (program.inputs ?? {}) as Record<string, unknown>;
    const values = Object.values(inputs);
    if (!isSet) {
      executables += 1;
      return;
    }
    if (values.some((v) => !Array.isArray(v))) {
      throw new ValidationError("Program set validation failed", "ProgramSetValidationFailed", [
        { programIndex, inputsIndex: 0, errors: ["every inputs value must be a list"] },
      ]);
    }
    const lengths = new Set(values.map((v) => (v as unknown[]).length));
    if (lengths.size > 1) {
      throw new ValidationError("Program set validation failed", "ProgramSetValidationFailed", [
        { programIndex, inputsIndex: 0, errors: ["inputs lists differ in length"] },
      ]);
    }
    executables += values.length === 0 ? 1 : (values[0] as unknown[]).length;
  });
  const range = device.shotsRange ?? [1, 100_000];
  if (!isSet && ((shots as number) < range[0] || (shots as number) > range[1]))
    fail(`shots ${shots} are outside the shotsRange [${range[0]}, ${range[1]}] of ${device.name}`);
  if (
    shots === 0 &&
    !/^#pragma braket result /m.test(String((programs as { source?: string }[])[0]?.source))
  )
    fail("shots=0 requires result types (#pragma braket result ...)");
  if (isSet) {
    if (shots < (device.programSet!.minimumTotalShots ?? 0))
      fail(`shots ${shots} are below minimumTotalShots ${device.programSet!.minimumTotalShots}`);
    if (executables > device.programSet!.maximumExecutables)
      fail(
        `${executables} executables exceed maximumExecutables ${device.programSet!.maximumExecutables}`,
      );
    if (shots > device.programSet!.maximumTotalShots)
      fail(`shots ${shots} exceed maximumTotalShots ${device.programSet!.maximumTotalShots}`);
    if ((shots as number) % executables !== 0)
      fail(`shots ${shots} are not divisible by the ${executables} executables`);
  }
  return action;
}
