/**
 * Bad input gets a 4xx whose message names the field at fault; nothing a client sends gets a
 * 500. Each case (bad-input-cases.ts) states the exact status, code and the field path its
 * message must name.
 */
import { describe, expect, it } from "vitest";
import { app, CASES, post, useBadInputApp } from "./bad-input-cases.js";
import { spec } from "./helpers.js";

useBadInputApp();

describe("bad input", () => {
  it("has at least 20 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES)("$name → $status $code", async ({ request, status, code, mentions }) => {
    const response = await app.inject(request());
    expect(response.statusCode).toBe(status);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    const body = response.json();
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error.code).toBe(code);
    for (const text of mentions) expect(body.error.message).toContain(text);
    expect(body.error.message).not.toMatch(/\n\s+at /); // never a stack trace
  });

  it("does not quote a malformed body back", async () => {
    const response = await app.inject(post('{"dataset":{"name":"moons"},"secretish":NaN}'));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).not.toContain("secretish");
  });

  it("names every bad field of one body in one message", async () => {
    const response = await app.inject(
      post(
        spec({ training: { epochs: 0, batchSize: "16" }, model: { qubits: -1, colour: "red" } }),
      ),
    );
    expect(response.statusCode).toBe(400);
    const { message } = response.json().error;
    for (const field of [
      "spec.training.epochs",
      "spec.training.batchSize",
      "spec.model.qubits",
      "spec.model.colour: unknown field",
    ]) {
      expect(message).toContain(field);
    }
  });
});
