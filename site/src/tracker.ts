// The clickstream tracker: every event of the shared contract, validated with the same zod
// schema the processor uses, queued in localStorage (so a reload or a closed tab loses
// nothing), sent in batches when the queue is full, after a short delay, and when the page is
// hidden (fetch keepalive). Only the events the API reports at `failedIndexes` are sent again,
// with exponential backoff. Events seen while signed in go to POST /events/me with the ID
// token, so their userId is the verified one; events from before sign-in never get one.
// Delivery is at least once: a batch whose answer was lost is sent again with the same eventIds.
import {
  clickstreamEventSchema,
  type ClickstreamEvent,
  type ClickstreamEventType,
} from "../../handlers/shared/clickstream-event";

export interface QueuedEvent {
  event: ClickstreamEvent;
  /** Seen while signed in: sent through the authorized route. */
  signedIn: boolean;
  /** Failed sends so far (for the backoff). */
  attempts: number;
}

export interface TrackerOptions {
  apiUrl: string;
  idToken: () => Promise<string | undefined>;
  isSignedIn: () => boolean;
  storage?: Storage;
  /** Flush when this many events wait. */
  batchSize?: number;
  /** Flush this long after the first waiting event. */
  flushDelayMs?: number;
  maxBackoffMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface TrackInput {
  itemId?: string;
  properties?: Record<string, string | number | boolean | null>;
}

const queueKey = "shop.tracker.queue";
const sessionKey = "shop.tracker.session";
/** A visit ends after 30 minutes without an event (as web analytics usually count sessions). */
const sessionIdleMs = 30 * 60 * 1000;
/** Browsers cap the bodies of all in-flight keepalive requests at 64 KiB. */
const keepaliveBudgetBytes = 60 * 1024;
/** The API takes at most 500 events per request; we send far fewer. */
const maxEventsPerRequest = 100;

export class Tracker {
  private readonly storage: Storage;
  private readonly batchSize: number;
  private readonly flushDelayMs: number;
  private readonly maxBackoffMs: number;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;
  private consecutiveFailures = 0;
  private lastPageUrl: string | undefined;
  /** eventIds sent and not yet answered: not sent twice by this page. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly options: TrackerOptions) {
    this.storage = options.storage ?? window.localStorage;
    this.batchSize = options.batchSize ?? 10;
    this.flushDelayMs = options.flushDelayMs ?? 2000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.fetch = options.fetch ?? window.fetch.bind(window);
    this.now = options.now ?? Date.now;
  }

  /** Sends what an earlier page left, and flushes when the page is hidden or closed. */
  start(): void {
    const onHide = () => this.flushOnHide();
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") onHide();
    });
    window.addEventListener("pagehide", onHide);
    if (this.pending().length > 0) this.schedule(0);
  }

  /** Records one event; returns at once (the send happens later, off the UI's path). */
  track(eventType: ClickstreamEventType, input: TrackInput = {}): ClickstreamEvent | undefined {
    const event: ClickstreamEvent = {
      eventId: crypto.randomUUID(),
      eventType,
      sessionId: this.sessionId(),
      timestamp: new Date(this.now()).toISOString(),
      page: this.pageOf(eventType),
      ...(input.itemId !== undefined ? { itemId: input.itemId } : {}),
      ...(input.properties !== undefined ? { properties: input.properties } : {}),
    };
    const checked = clickstreamEventSchema.safeParse(event);
    if (!checked.success) {
      // A programming error in the shop, not the shopper's: say so loudly, never send it.
      console.error("clickstream event refused by the contract", checked.error.issues, event);
      return undefined;
    }
    const queue = this.pending();
    queue.push({ event: checked.data, signedIn: this.options.isSignedIn(), attempts: 0 });
    this.save(queue);
    if (queue.length - this.inFlight.size >= this.batchSize) this.schedule(0);
    else this.schedule(this.flushDelayMs);
    return checked.data;
  }

  /** Events waiting to be accepted (including those in flight). */
  pending(): QueuedEvent[] {
    try {
      const parsed = JSON.parse(this.storage.getItem(queueKey) ?? "[]");
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }

  /** Sends every waiting event now; resolves when the API has answered (or failed). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.clearTimer();
    this.flushing = this.sendWaiting(false).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** The page is going away: hand what waits to the browser with keepalive. */
  private flushOnHide(): void {
    this.clearTimer();
    void this.sendWaiting(true);
  }

  private async sendWaiting(keepalive: boolean): Promise<void> {
    const waiting = this.pending().filter((q) => !this.inFlight.has(q.event.eventId));
    if (waiting.length === 0) return;
    const token = waiting.some((q) => q.signedIn) ? await this.options.idToken().catch(() => undefined) : undefined;
    // Signed-in events go with the token; without one (signed out since), anonymously: late, but not lost.
    const groups = [
      { route: "/events/me", token, events: waiting.filter((q) => q.signedIn && token) },
      { route: "/events", token: undefined, events: waiting.filter((q) => !(q.signedIn && token)) },
    ];
    let budget = keepaliveBudgetBytes;
    const sends: Promise<boolean>[] = [];
    for (const group of groups) {
      for (let i = 0; i < group.events.length; i += maxEventsPerRequest) {
        const batch = group.events.slice(i, i + maxEventsPerRequest);
        const body = JSON.stringify({ events: batch.map((q) => q.event) });
        if (keepalive) {
          if (body.length > budget) continue; // stays queued for the next page
          budget -= body.length;
        }
        sends.push(this.send(group.route, group.token, batch, body, keepalive));
      }
    }
    const results = await Promise.all(sends);
    if (results.every(Boolean)) {
      this.consecutiveFailures = 0;
      if (this.pending().some((q) => !this.inFlight.has(q.event.eventId))) this.schedule(this.flushDelayMs);
    } else {
      this.consecutiveFailures += 1;
      this.schedule(this.backoffMs());
    }
  }

  /** One request; true when every event in it was accepted. */
  private async send(
    route: string,
    token: string | undefined,
    batch: QueuedEvent[],
    body: string,
    keepalive: boolean,
  ): Promise<boolean> {
    const ids = batch.map((q) => q.event.eventId);
    ids.forEach((id) => this.inFlight.add(id));
    try {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (token) headers.Authorization = token;
      const response = await this.fetch(`${this.options.apiUrl}${route}`, { method: "POST", headers, body, keepalive });
      if (response.ok) {
        const answer = (await response.json()) as { failedIndexes?: number[] };
        const failed = new Set((answer.failedIndexes ?? []).map((i) => ids[i]).filter(Boolean));
        this.settle(
          ids.filter((id) => !failed.has(id)),
          [...failed],
        );
        return failed.size === 0;
      }
      if (response.status === 400) {
        // The collector refused the request as malformed: resending the same bytes cannot succeed.
        console.error("clickstream batch refused", response.status, await response.text().catch(() => ""));
        this.settle(ids, []);
        return true;
      }
      this.settle([], ids); // 401, 403, 429, 5xx: keep them and try again later
      return false;
    } catch {
      this.settle([], ids); // offline or the page is unloading: they stay queued
      return false;
    } finally {
      ids.forEach((id) => this.inFlight.delete(id));
    }
  }

  /** Drops accepted events from the stored queue; counts an attempt on the failed ones. */
  private settle(acceptedIds: string[], failedIds: string[]): void {
    const accepted = new Set(acceptedIds);
    const failed = new Set(failedIds);
    const queue = this.pending()
      .filter((q) => !accepted.has(q.event.eventId))
      .map((q) => (failed.has(q.event.eventId) ? { ...q, attempts: q.attempts + 1 } : q));
    this.save(queue);
  }

  private backoffMs(): number {
    const base = Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(this.consecutiveFailures - 1, 16));
    return base / 2 + Math.random() * (base / 2);
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined && delayMs > 0) return; // a flush is already coming
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private save(queue: QueuedEvent[]): void {
    try {
      this.storage.setItem(queueKey, JSON.stringify(queue));
    } catch (error) {
      console.warn("clickstream queue could not be stored", error);
    }
  }

  /** In-app navigation has no document.referrer of its own: the previous page view is the referrer. */
  private pageOf(eventType: ClickstreamEventType): ClickstreamEvent["page"] {
    const url = window.location.href.slice(0, 2048);
    const referrer = (this.lastPageUrl ?? document.referrer).slice(0, 2048);
    if (eventType === "page_view") this.lastPageUrl = url;
    return referrer ? { url, referrer } : { url };
  }

  private sessionId(): string {
    const now = this.now();
    let session: { id: string; lastSeen: number } | null = null;
    try {
      session = JSON.parse(this.storage.getItem(sessionKey) ?? "null");
    } catch {
      session = null;
    }
    if (!session || typeof session.id !== "string" || now - session.lastSeen > sessionIdleMs)
      session = { id: crypto.randomUUID(), lastSeen: now };
    session.lastSeen = now;
    this.storage.setItem(sessionKey, JSON.stringify(session));
    return session.id;
  }
}
