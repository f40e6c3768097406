/** JobStore: records read back, listings and their pages, filters and owner indexes. */
import { describe, expect, it } from "vitest";
import { newJobId } from "../../src/jobs/ids.js";
import { JobStore } from "../../src/jobs/store.js";
import type { JobRecord, JobStatus } from "../../src/jobs/types.js";
import { deleteKeysUnder, testPrefix } from "./helpers.js";
import { created, listAll, newJob, redis, store, useJobStore } from "./store-fixtures.js";

useJobStore("store-listings");

describe("JobStore", () => {
  it("stores a record and reads it back whole", async () => {
    const job = await created({ tags: ["a", "b c"], owner: "owner-1" });
    expect(await store.get(job.id)).toEqual(job);
    expect(await store.get(newJobId())).toBeNull();
    expect(await store.getMany([job.id, newJobId()])).toEqual([job, null]);
    // a second create of the same id is a bug, not an overwrite
    await expect(store.create(job)).rejects.toThrow("already exists");
  });

  it("lists newest first in pages, with filters by status, tag and backend", async () => {
    const local = testPrefix("store-list");
    const listing = new JobStore(redis, { prefix: local, retentionSeconds: 3600 });
    const jobs: JobRecord[] = [];
    try {
      for (let i = 0; i < 25; i++) {
        const job = newJob({
          tags: i % 2 === 0 ? ["even"] : ["odd"],
          backend: i % 5 === 0 ? "ibm-test" : "local",
        });
        expect(await listing.create(job)).toEqual({ ok: true });
        jobs.push(job);
      }
      const newestFirst = jobs.map((job) => job.id).reverse();
      const pages = (query: Parameters<typeof listAll>[0], limit: number) =>
        listAll(query, limit, listing);
      const all = await pages({}, 10);
      expect(all.map((page) => page.length)).toEqual([10, 10, 5]);
      expect(all.flat()).toEqual(newestFirst);
      // an exact multiple of the page size ends without an empty page
      expect((await pages({}, 5)).map((page) => page.length)).toEqual([5, 5, 5, 5, 5]);

      // move a few through their statuses
      for (const [index, to] of [
        [0, "running"],
        [1, "running"],
        [2, "completed"],
        [24, "failed"],
      ] as const) {
        const from: JobStatus[] = to === "running" ? ["queued"] : ["queued", "running"];
        expect((await listing.transition(jobs[index]!, from, to)).ok).toBe(true);
      }
      expect((await pages({ status: "running" }, 10)).flat()).toEqual([jobs[1]!.id, jobs[0]!.id]);
      expect((await pages({ status: "completed" }, 10)).flat()).toEqual([jobs[2]!.id]);
      expect((await pages({ status: "queued" }, 10)).flat()).toHaveLength(21);
      const even = newestFirst.filter((_, i) => (24 - i) % 2 === 0);
      expect((await pages({ tag: "even" }, 4)).flat()).toEqual(even);
      expect((await pages({ backend: "ibm-test" }, 2)).flat()).toEqual(
        newestFirst.filter((_, i) => (24 - i) % 5 === 0),
      );
      // two filters at once: the second is applied to the records
      expect((await pages({ tag: "even", status: "running" }, 10)).flat()).toEqual([jobs[0]!.id]);
      expect((await pages({ tag: "odd", backend: "ibm-test" }, 1)).flat()).toEqual([
        jobs[15]!.id,
        jobs[5]!.id,
      ]);
      expect((await listing.list({ tag: "none", limit: 10 })).jobs).toEqual([]);
      expect(await listing.countByStatus()).toEqual({
        queued: 21,
        running: 2,
        completed: 1,
        failed: 1,
        cancelled: 0,
      });
    } finally {
      await deleteKeysUnder(redis, local);
    }
  });

  it("pages correctly through jobs created in the same millisecond", async () => {
    const local = testPrefix("store-ties");
    const listing = new JobStore(redis, { prefix: local, retentionSeconds: 3600 });
    try {
      const at = Date.UTC(2026, 6, 1);
      const jobs = [
        newJob({ at: at - 1 }),
        ...Array.from({ length: 5 }, () => newJob({ at })),
        newJob({ at: at + 1 }),
      ];
      for (const job of jobs) await listing.create(job);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listing.list({ limit: 2, cursor });
        seen.push(...page.jobs.map((job) => job.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(jobs.map((job) => job.id).reverse());
    } finally {
      await deleteKeysUnder(redis, local);
    }
  });

  it("refuses a cursor it did not make", async () => {
    for (const cursor of ["not-a-cursor", Buffer.from('{"a":1}').toString("base64url")]) {
      await expect(store.list({ limit: 5, cursor })).rejects.toMatchObject({
        code: "QPLANE_ERR_REQUEST_INVALID",
        message: "cursor: not a cursor from a previous page of this listing",
      });
    }
  });

  it("skips, and unindexes, jobs whose record expired", async () => {
    const local = testPrefix("store-expired");
    const listing = new JobStore(redis, { prefix: local, retentionSeconds: 3600 });
    try {
      const jobs = [newJob({ tags: ["t"] }), newJob({ tags: ["t"] }), newJob({ tags: ["t"] })];
      for (const job of jobs) await listing.create(job);
      await redis.del(listing.keys.job(jobs[1]!.id)); // as if its TTL ran out
      const page = await listing.list({ limit: 10 });
      expect(page.jobs.map((job) => job.id)).toEqual([jobs[2]!.id, jobs[0]!.id]);
      expect(page.nextCursor).toBeNull();
      expect(await redis.zscore(listing.keys.jobs, jobs[1]!.id)).toBeNull();
      // other indexes are cleaned when they are listed
      expect((await listing.list({ tag: "t", limit: 1 })).jobs.map((job) => job.id)).toEqual([
        jobs[2]!.id,
      ]);
      expect((await listing.list({ tag: "t", limit: 5 })).jobs).toHaveLength(2);
      expect(await redis.zcard(listing.keys.tag("t"))).toBe(2);
    } finally {
      await deleteKeysUnder(redis, local);
    }
  });

  it("lists one owner's jobs from its own index, with the other filters and cursors", async () => {
    const local = testPrefix("store-owner");
    const scoped = new JobStore(redis, { prefix: local, retentionSeconds: 3600 });
    try {
      const at = Date.parse("2025-03-01T00:00:00Z");
      const mine = [0, 1, 2, 3].map((i) => newJob({ owner: "owner-a", tags: ["t"], at: at + i }));
      const theirs = [0, 1].map((i) => newJob({ owner: "owner-b", tags: ["t"], at: at + 10 + i }));
      const nobody = newJob({ owner: null, tags: ["t"], at: at + 20 });
      for (const job of [...mine, ...theirs, nobody]) await scoped.create(job);
      await scoped.transition(mine[1]!, ["queued"], "running");
      expect(await redis.zrange(scoped.keys.ownerJobs("owner-a"), 0, "-1")).toEqual(
        mine.map((job) => job.id),
      );
      const first = await scoped.list({ limit: 3 }, "owner-a");
      expect(first.jobs.map((job) => job.id)).toEqual([mine[3]!.id, mine[2]!.id, mine[1]!.id]);
      const rest = await scoped.list({ limit: 3, cursor: first.nextCursor! }, "owner-a");
      expect(rest).toEqual({
        jobs: [expect.objectContaining({ id: mine[0]!.id })],
        nextCursor: null,
      });
      // with a filter the smaller index is walked; the answer is the same
      const running = await scoped.list({ limit: 10, status: "running" }, "owner-a");
      expect(running.jobs.map((job) => job.id)).toEqual([mine[1]!.id]);
      const tagged = await scoped.list({ limit: 10, tag: "t" }, "owner-b");
      expect(tagged.jobs.map((job) => job.id)).toEqual([theirs[1]!.id, theirs[0]!.id]);
      expect((await scoped.list({ limit: 10 })).jobs).toHaveLength(7);
      expect(await scoped.owner(mine[0]!.id)).toBe("owner-a");
      expect(await scoped.owner(nobody.id)).toBeNull();
      expect(await scoped.owner(newJobId())).toBeUndefined();
    } finally {
      await deleteKeysUnder(redis, local);
    }
  });

  it("lists with the default cursor flow across a filtered index", async () => {
    const tagged = [
      await created({ tags: ["flow"] }),
      await created({ tags: ["flow"] }),
      await created({ tags: ["flow"] }),
    ];
    expect(await listAll({ tag: "flow" }, 2)).toEqual([
      [tagged[2]!.id, tagged[1]!.id],
      [tagged[0]!.id],
    ]);
  });
});
