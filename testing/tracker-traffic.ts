// What a page's clickstream tracker hands to the API, as a test sees it: the events of every
// POST /events and /events/me the page sends (once answered 200), and the events still queued
// when the shopper leaves the shop. Leaving is what ends a real visit: the tracker's pagehide
// handler sends what waits with fetch keepalive, which the browser finishes after the page is
// gone and Playwright does not report, so they are read from the tracker's queue just before.
import type { Page, Request } from "playwright-core";

declare const localStorage: any, location: any; // in page.evaluate callbacks, which run in the page

export type EventRoute = "/events" | "/events/me";
export interface SentEvent {
  route: EventRoute;
  event: Record<string, any>;
}

const routeOf = (request: Request): EventRoute | undefined => {
  if (request.method() !== "POST") return undefined;
  const path = new URL(request.url()).pathname;
  return path.endsWith("/events") ? "/events" : path.endsWith("/events/me") ? "/events/me" : undefined;
};

export class TrackerTraffic {
  /** Events the API accepted (200) from this page, then those handed over when it was left. */
  readonly sent: SentEvent[] = [];
  private readonly inFlight = new Set<Request>();
  private readonly settled: (() => void)[] = [];

  constructor(private readonly page: Page) {
    page.on("request", (request) => {
      if (routeOf(request)) this.inFlight.add(request);
    });
    const done = async (request: Request) => {
      const route = routeOf(request);
      if (!route || !this.inFlight.has(request)) return;
      const response = await request.response().catch(() => null);
      if (response?.status() === 200)
        for (const event of JSON.parse(request.postData() ?? "{}").events ?? []) this.sent.push({ route, event });
      this.inFlight.delete(request);
      if (this.inFlight.size === 0) for (const wake of this.settled.splice(0)) wake();
    };
    page.on("requestfinished", done);
    page.on("requestfailed", done);
  }

  /** The events of these types among those sent. */
  ofType(...types: string[]): SentEvent[] {
    return this.sent.filter((s) => types.includes(s.event.eventType));
  }

  /**
   * The shopper leaves the shop for another site: once the tracker's own sends are answered
   * (a send cut off by the navigation would stay queued for a next visit), the page reads the
   * queue and goes to about:blank in one step, and the pagehide flush sends what waited.
   * Returns those events.
   */
  async leave(): Promise<SentEvent[]> {
    if (this.inFlight.size > 0) await new Promise<void>((resolve) => this.settled.push(resolve));
    const queued: { event: Record<string, any>; signedIn: boolean }[] = await this.page.evaluate(() => {
      const waiting = JSON.parse(localStorage.getItem("shop.tracker.queue") ?? "[]");
      location.href = "about:blank";
      return waiting;
    });
    await this.page.waitForURL("about:blank");
    const sentIds = new Set(this.sent.map((s) => s.event.eventId));
    const handedOver = queued
      .filter((q) => !sentIds.has(q.event.eventId))
      .map((q): SentEvent => ({ route: q.signedIn ? "/events/me" : "/events", event: q.event }));
    this.sent.push(...handedOver);
    return handedOver;
  }
}
