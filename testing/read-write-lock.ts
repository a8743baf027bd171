// A fair read-write lock for async code: any number of shared holders, or one exclusive
// holder. Requests are granted in arrival order, so a waiting exclusive request is not
// starved by a stream of shared ones (and shared ones queued behind it wait their turn).

type Mode = "shared" | "exclusive";

interface Waiter {
  mode: Mode;
  grant: () => void;
}

export class ReadWriteLock {
  private shared = 0;
  private exclusive = false;
  private readonly queue: Waiter[] = [];

  /** Runs `work` while holding the lock in `mode`; releases it however `work` ends. */
  async with<T>(mode: Mode, work: () => Promise<T>): Promise<T> {
    await this.acquire(mode);
    try {
      return await work();
    } finally {
      this.release(mode);
    }
  }

  private acquire(mode: Mode): Promise<void> {
    if (this.queue.length === 0 && this.grantable(mode)) {
      this.take(mode);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ mode, grant: resolve }));
  }

  private grantable(mode: Mode): boolean {
    return mode === "shared" ? !this.exclusive : !this.exclusive && this.shared === 0;
  }

  private take(mode: Mode): void {
    if (mode === "shared") this.shared++;
    else this.exclusive = true;
  }

  private release(mode: Mode): void {
    if (mode === "shared") this.shared--;
    else this.exclusive = false;
    while (this.queue.length > 0 && this.grantable(this.queue[0].mode)) {
      const next = this.queue.shift()!;
      this.take(next.mode);
      next.grant();
    }
  }
}
