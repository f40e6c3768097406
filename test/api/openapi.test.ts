import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openApiText } from "../../src/api/openapi-document.js";
import { jobSpecSchema } from "../../src/training/spec.js";

const committedPath = new URL("../../openapi/openapi.json", import.meta.url);

describe("the OpenAPI document", () => {
  it("is committed as generated (run `npm run openapi` after changing routes or schemas)", async () => {
    // Compared value for value and key order for key order; the layout is biome's.
    const generated = JSON.stringify(JSON.parse(await openApiText()));
    const committed = JSON.stringify(JSON.parse(readFileSync(committedPath, "utf8")));
    expect(
      committed === generated,
      "openapi/openapi.json differs from the routes' schemas: run `npm run openapi` and commit the result",
    ).toBe(true);
  });

  it("documents every route, the spec with its defaults and ranges, and the errors", async () => {
    const document = JSON.parse(await openApiText());
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual([
      "/healthz",
      "/metrics",
      "/readyz",
      "/v1/backends",
      "/v1/datasets",
      "/v1/events",
      "/v1/experiments",
      "/v1/experiments/{id}",
      "/v1/experiments/{id}/cancel",
      "/v1/experiments/{id}/curves",
      "/v1/jobs",
      "/v1/jobs/{id}",
      "/v1/jobs/{id}/cancel",
      "/v1/jobs/{id}/curves.svg",
      "/v1/jobs/{id}/events",
      "/v1/jobs/{id}/infoplane.svg",
      "/v1/jobs/{id}/metrics",
    ]);
    const experiment = document.paths["/v1/experiments"].post;
    expect(experiment.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/ExperimentSubmissionInput",
    });
    expect(
      Object.keys(document.paths["/v1/experiments/{id}"].get.responses["200"].content),
    ).toEqual(["application/json", "text/csv"]);
    const submit = document.paths["/v1/jobs"].post;
    expect(Object.keys(submit.responses).sort()).toEqual(
      ["200", "202", "400", "401", "409", "413", "415", "422", "429", "503"].sort(),
    );
    expect(submit.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/JobSubmissionInput",
    });
    expect(submit.parameters).toContainEqual(
      expect.objectContaining({ in: "header", name: "idempotency-key" }),
    );
    const schemas = document.components.schemas;
    const body = schemas.JobSubmissionInput;
    expect(Object.keys(body.properties).sort()).toEqual(
      [...Object.keys(jobSpecSchema.shape), "name", "tags"].sort(),
    );
    expect(body.required).toEqual(["dataset"]);
    expect(body.additionalProperties).toBe(false);
    // Defaults come from the spec schema; ranges of piped numbers are documented on input too.
    expect(schemas.TrainingSpecInput.properties.learningRate).toEqual({
      default: 0.05,
      exclusiveMinimum: 0,
      maximum: 100,
      type: "number",
    });
    expect(schemas.TrainingSpecInput.properties.epochs).toMatchObject({ default: 30, minimum: 1 });
    expect(Object.keys(schemas.Job.properties)).toEqual(
      expect.arrayContaining([
        "id",
        "status",
        "progress",
        "etaSeconds",
        "latest",
        "summary",
        "error",
        "createdAt",
        "startedAt",
        "finishedAt",
        "spec",
        "name",
        "tags",
      ]),
    );
    expect(schemas.Error.properties.error.required).toEqual(["code", "message"]);
    expect(document.paths["/v1/jobs/{id}"].get.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths["/healthz"].get.security).toBeUndefined();
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    expect(
      Object.keys(document.paths["/v1/jobs/{id}/metrics"].get.responses["200"].content).sort(),
    ).toEqual(["application/json", "text/csv"]);
  });

  it("serves the same document at /docs/json", async () => {
    const { testApp } = await import("./helpers.js");
    const { app } = await testApp();
    const served = (await app.inject({ url: "/docs/json" })).json();
    await app.close();
    expect(served).toEqual(JSON.parse(await openApiText()));
    expect(served.paths["/v1/jobs"].post.operationId).toBe("submitJob");
  });
});
