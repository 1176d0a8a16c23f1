/**
 * API calls still running, whether or not their client is still there to take the answer. A
 * client that hangs up does not stop its call (the procedure runs to its end), so shutdown waits
 * for these, not only for open connections, before it closes the database: a call that ends within
 * the shutdown's grace keeps all its writes.
 */
export class CallsInFlight {
  private readonly running = new Set<Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  track(call: Promise<unknown>): void {
    this.running.add(call);
    const ended = () => this.running.delete(call);
    call.then(ended, ended);
  }

  /** Resolves once every call tracked so far has ended, and those started meanwhile too. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
