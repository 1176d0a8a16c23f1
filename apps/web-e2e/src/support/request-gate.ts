import type { Page, Request, Route } from '@playwright/test';

/** How long the network must stay quiet before a wave of requests counts as complete. */
const QUIET_MS = 400;
/** How long to wait for a wave to start at all: after that, the page asks for nothing more. */
const NOTHING_MORE_MS = 2_000;

/**
 * Holds every request of a page until the test lets it through, so a test can count round
 * trips without measuring time: `nextWave()` lets through everything held so far, then collects
 * what the page asks for next (until the network has been quiet for a moment). The page cannot
 * get further than the answers it has, so each wave is one round trip.
 */
export class RequestGate {
  private held: Route[] = [];
  private waiting: (() => void) | null = null;
  private lastArrival = 0;
  private open = false;

  constructor(private readonly page: Page) {}

  async install(): Promise<void> {
    await this.page.route('**/*', async (route) => {
      if (this.open) return route.continue();
      this.held.push(route);
      this.lastArrival = Date.now();
      this.waiting?.();
    });
  }

  /** Lets through what is held, then returns the paths of the next round of requests. */
  async nextWave(): Promise<string[]> {
    const released = this.held.splice(0);
    await Promise.all(released.map((route) => route.continue()));
    await this.untilQuiet();
    return this.held.map((route) => pathOf(route.request()));
  }

  /** Lets everything through from now on. */
  async openUp(): Promise<void> {
    this.open = true;
    const released = this.held.splice(0);
    await Promise.all(released.map((route) => route.continue()));
  }

  private async untilQuiet(): Promise<void> {
    if (this.held.length === 0) {
      await Promise.race([new Promise<void>((resolve) => (this.waiting = resolve)), new Promise((resolve) => setTimeout(resolve, NOTHING_MORE_MS))]);
    }
    this.waiting = null;
    while (Date.now() - this.lastArrival < QUIET_MS) await new Promise((resolve) => setTimeout(resolve, QUIET_MS / 4));
  }
}

function pathOf(request: Request): string {
  return new URL(request.url()).pathname;
}

/** The requests that matter for the first screen: scripts, styles and API calls (not the icon). */
export const significant = (paths: string[]) => paths.filter((path) => !path.endsWith('.svg')).sort();
