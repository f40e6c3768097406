/**
 * A TCP proxy in front of the test Redis: stopping it makes Redis unreachable to everything
 * connected through it (open connections are cut), starting it again on the same port brings
 * Redis back. Pausing it instead keeps every connection open but carries nothing (a Redis
 * that hangs: its clients look connected and get no answers) until resumed.
 */
import { once } from "node:events";
import { connect as connectTcp, createServer, type Server, type Socket } from "node:net";

export class RedisProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private paused = false;
  port = 0;

  constructor(private readonly redisUrl: string) {}

  /** `redis://127.0.0.1:<port>`: Redis through this proxy. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const target = new URL(this.redisUrl);
    const server = createServer((client) => {
      const upstream = connectTcp(Number(target.port || 6379), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {});
        if (this.paused) socket.pause();
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(this.port, "127.0.0.1");
    await once(server, "listening");
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Holds every byte in both directions (connections stay open) until `resume`. */
  pause(): void {
    this.paused = true;
    for (const socket of this.sockets) socket.pause();
  }

  resume(): void {
    this.paused = false;
    for (const socket of this.sockets) socket.resume();
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = once(server, "close");
    server.close();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
