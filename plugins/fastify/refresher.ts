/**
 * Background refresh for stale-while-revalidate. The request is replayed through
 * `app.inject` with its own headers (those the key is built from, credentials for per-user
 * keys; conditionals and framing dropped) plus a header carrying a per-process random token,
 * which makes the lookup hook skip the cache and go to the handler. The whole lifecycle runs
 * again, auth hooks, serializers and the store step included, so the refreshed entry is built
 * exactly as a first miss would build it; calling the handler directly would skip hooks the
 * response depends on. Credentials live only as long as the replay, never in an entry. At most
 * one refresh runs per key; a failed one is logged and the stale entry stays until its window
 * ends. A client cannot trigger a refresh by sending the header: it does not know the token.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NOT_REPLAYED } from './request-rules.js';

/** The request header a refresh carries; removed from the request before any handler sees it. */
export const REFRESH_HEADER = 'x-keepsake-refresh';

/**
 * Runs background refreshes, one per key at a time.
 *
 * @example
 * ```ts
 * const refresher = new Refresher(app);
 * refresher.refresh(request, key); // returns at once
 * ```
 */
export class Refresher {
  readonly #app: FastifyInstance;
  readonly #token = randomBytes(16).toString('hex');
  readonly #running = new Map<string, Promise<void>>();
  #closing = false;

  constructor(app: FastifyInstance) {
    this.#app = app;
  }

  /** Whether a request's refresh header value is this process's token. */
  isRefresh(value: string | string[] | undefined): boolean {
    return value === this.#token;
  }

  /** Starts a refresh of `key` by replaying `request`, unless one runs already. */
  refresh(request: FastifyRequest, key: string): void {
    if (this.#running.has(key) || this.#closing) return;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && !NOT_REPLAYED.includes(name)) headers[name] = value;
    }
    headers[REFRESH_HEADER] = this.#token;
    const run = this.#app
      .inject({ method: 'GET', url: request.url, headers, remoteAddress: request.ip })
      .then(
        () => undefined,
        (error: unknown) => request.log.warn({ err: error }, 'keepsake: background refresh failed'),
      )
      .finally(() => this.#running.delete(key));
    this.#running.set(key, run);
  }

  /** Stops new refreshes and waits for the running ones. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([...this.#running.values()]);
  }
}
