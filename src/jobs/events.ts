/**
 * Job events over Redis pub/sub, both directions in one place:
 * - `<p>:events:<id>`: a job's JobEvents, published by workers and the service
 *   ({@link publishJobEvent}) and heard by the API ({@link JobEventHub}: one job's stream, or
 *   every job a viewer may see);
 * - `<p>:cancel`: ids of jobs whose cancel was asked for ({@link publishCancel}), heard by
 *   every worker ({@link subscribeCancels}).
 * Pub/sub is fire-and-forget: a listener that is not connected misses events, which is why
 * the job record, not the stream, is the source of truth.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { JobKeys } from "./keys.js";
import { closeRedis, createRedis, unavailable, waitForReady, withTimeout } from "./redis.js";
import { canSee, type JobEvent, type Viewer } from "./types.js";

export async function publishJobEvent(
  redis: Redis,
  keys: JobKeys,
  id: string,
  event: JobEvent,
): Promise<void> {
  await redis.publish(keys.events(id), JSON.stringify(event));
}

/** Tells every worker that a job's cancel was asked for. */
export async function publishCancel(redis: Redis, keys: JobKeys, id: string): Promise<void> {
  await redis.publish(keys.cancel, id);
}

/** Calls `onCancel` with each job id whose cancel is asked for; `subscriber` is given over to it. */
export async function subscribeCancels(
  subscriber: Redis,
  keys: JobKeys,
  onCancel: (id: string) => void,
): Promise<void> {
  subscriber.on("message", (channel: string, id: string) => {
    if (channel === keys.cancel) onCancel(id);
  });
  await subscriber.subscribe(keys.cancel);
}

/** Job owners remembered for filtering the all-jobs stream (an owner never changes). */
const OWNER_CACHE_SIZE = 10_000;

/** A listener of every job's events and whose jobs it may see. */
interface Watcher {
  readonly viewer: Viewer;
  readonly listener: (jobId: string, event: JobEvent) => void;
}

export interface JobEventHubOptions {
  readonly redisUrl: string;
  readonly keys: JobKeys;
  /** Longest wait for the subscriber connection and for unsubscribing. */
  readonly timeoutMs: number;
  /** Name of the subscriber connection (CLIENT LIST). */
  readonly connectionName: string;
  readonly logger: Logger;
  /** A job's owner (null: none), or undefined when it does not exist. */
  readonly ownerOf: (jobId: string) => Promise<string | null | undefined>;
}

/**
 * The API process's listeners of job events, over one connection in subscriber mode shared
 * by all: one channel subscription per job listened to, one pattern subscription for every
 * job while any watcher is open.
 */
export class JobEventHub {
  private subscriber: Redis | null = null;
  private readonly watchers = new Set<Watcher>();
  /** Owners of jobs, learnt on reads and looked up for events (see onAnyEvent). */
  private readonly owners = new Map<string, string | null>();
  /** Events held while their job's owner is looked up, in arrival order. */
  private readonly awaitingOwner = new Map<string, JobEvent[]>();
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();

  constructor(private readonly options: JobEventHubOptions) {}

  /** Notes a job's owner (read elsewhere), so its events need no lookup. */
  rememberOwner(id: string, owner: string | null): void {
    if (this.owners.has(id)) return;
    this.owners.set(id, owner);
    // forget the oldest (Map keeps insertion order)
    if (this.owners.size > OWNER_CACHE_SIZE) this.owners.delete(this.owners.keys().next().value!);
  }

  /** Live events of one job (the caller checked the viewer may see it). */
  async subscribe(id: string, onEvent: (event: JobEvent) => void): Promise<() => Promise<void>> {
    const subscriber = await this.connect();
    const channel = this.options.keys.events(id);
    let listeners = this.listeners.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(channel, listeners);
      try {
        await subscriber.subscribe(channel);
      } catch (error) {
        this.listeners.delete(channel);
        throw error;
      }
    }
    const listener = (event: JobEvent) => onEvent(event);
    listeners.add(listener);
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      const current = this.listeners.get(channel);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(channel);
        // bounded: with Redis away a patient connection would wait for it (shutdown hangs)
        await withTimeout(subscriber.unsubscribe(channel), this.options.timeoutMs).catch(() => {});
      }
    };
  }

  /** Live events of every job `viewer` may see. */
  async watchAll(
    listener: (jobId: string, event: JobEvent) => void,
    viewer: Viewer,
  ): Promise<() => Promise<void>> {
    const subscriber = await this.connect();
    const pattern = this.options.keys.events("*");
    if (this.watchers.size === 0) await subscriber.psubscribe(pattern);
    const watcher: Watcher = { viewer, listener };
    this.watchers.add(watcher);
    return async () => {
      if (!this.watchers.delete(watcher) || this.watchers.size > 0) return;
      await withTimeout(subscriber.punsubscribe(pattern), this.options.timeoutMs).catch(() => {});
    };
  }

  /**
   * Hands an event of any job to the watchers that may see it. Events carry no owner, so an
   * owner-scoped watcher needs the job's owner: remembered, or looked up once per job (events
   * arriving meanwhile wait, in order). A job whose owner cannot be read is shown to no owner.
   */
  private onAnyEvent(jobId: string, event: JobEvent): void {
    let scoped = false;
    for (const watcher of this.watchers) {
      if (watcher.viewer.kind === "everyone") this.notify(watcher, jobId, event);
      else scoped = true;
    }
    if (!scoped) return;
    const owner = this.owners.get(jobId);
    if (owner !== undefined) {
      this.notifyOwner(jobId, owner, event);
      return;
    }
    const waiting = this.awaitingOwner.get(jobId);
    if (waiting) {
      waiting.push(event);
      return;
    }
    this.awaitingOwner.set(jobId, [event]);
    const { logger, timeoutMs } = this.options;
    void withTimeout(this.options.ownerOf(jobId), timeoutMs)
      .catch((error: unknown) => {
        logger.warn({ err: error, jobId }, "could not read a job's owner for its events");
        return undefined;
      })
      .then((owner) => {
        const events = this.awaitingOwner.get(jobId) ?? [];
        this.awaitingOwner.delete(jobId);
        if (owner === undefined) return;
        this.rememberOwner(jobId, owner);
        for (const held of events) this.notifyOwner(jobId, owner, held);
      });
  }

  private notifyOwner(jobId: string, owner: string | null, event: JobEvent): void {
    for (const watcher of this.watchers) {
      if (watcher.viewer.kind === "owner" && canSee(watcher.viewer, owner)) {
        this.notify(watcher, jobId, event);
      }
    }
  }

  private notify(watcher: Watcher, jobId: string, event: JobEvent): void {
    try {
      watcher.listener(jobId, event);
    } catch (error) {
      this.options.logger.warn({ err: error }, "a job event listener threw");
    }
  }

  /** The one connection in subscriber mode, shared by all subscriptions. */
  private async connect(): Promise<Redis> {
    if (!this.subscriber) {
      const subscriber = createRedis(this.options.redisUrl, "patient", {
        name: this.options.connectionName,
      });
      const eventsPrefix = this.options.keys.events("");
      subscriber.on("pmessage", (_pattern: string, channel: string, message: string) => {
        this.onAnyEvent(channel.slice(eventsPrefix.length), JSON.parse(message) as JobEvent);
      });
      subscriber.on("message", (channel: string, message: string) => {
        const listeners = this.listeners.get(channel);
        if (!listeners) return;
        const event = JSON.parse(message) as JobEvent;
        for (const listener of listeners) {
          try {
            listener(event);
          } catch (error) {
            this.options.logger.warn({ err: error }, "a job event listener threw");
          }
        }
      });
      this.subscriber = subscriber;
    }
    if (!(await waitForReady(this.subscriber, this.options.timeoutMs))) throw unavailable();
    return this.subscriber;
  }

  /** Drops the per-job listeners and closes the subscriber connection. */
  async close(): Promise<void> {
    this.listeners.clear();
    if (this.subscriber) await closeRedis(this.subscriber);
  }
}
