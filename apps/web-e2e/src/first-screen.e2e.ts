import { AUTH_COOKIES } from '@app/contracts';
import { DEMO_USER, expect, expectNoSecretsInStorage, signIn, test, waitForCookieExpiry, VIEWPORTS } from './support/fixtures';
import { initialFiles, pagesChunk } from './support/built-app';
import { RequestGate, significant } from './support/request-gate';

/** The built app's files: what index.html loads, and the one lazy chunk holding every page. */
const builtFiles = () => ({ initial: initialFiles(), pages: pagesChunk() });

for (const viewport of VIEWPORTS) {
  test.describe(`the first screen (${viewport.name})`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    test('a visitor without a session gets a usable sign-in form one round trip after the app’s code, asking the API nothing', async ({ page }) => {
      const files = builtFiles();
      const gate = new RequestGate(page);
      await gate.install();
      const opened = page.goto('/people');

      expect(await gate.nextWave()).toEqual(['/people']); // the document
      expect(significant(await gate.nextWave())).toEqual(files.initial); // what index.html references
      // Once main runs: the pages' code, in one request, and no me → 401 → refresh → 401.
      expect(significant(await gate.nextWave())).toEqual([files.pages]);
      // With that answered, the form is there and works: nothing else was needed.
      expect(significant(await gate.nextWave())).toEqual([]);
      await opened;
      await expect(page).toHaveURL(/\/login\?returnUrl=%2Fpeople$/);
      await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
      await expect(page.getByLabel('Email')).toBeEditable();

      await gate.openUp();
      await signIn(page, DEMO_USER, /\/people$/);
      await expect(page.locator('tbody tr')).toHaveCount(20);
    });

    test('a signed-in visitor: the session check and the pages’ code travel together, then the list', async ({ page, context }) => {
      await signIn(page, DEMO_USER);
      // The hint that this browser holds a session is no secret.
      expect(await expectNoSecretsInStorage(page, context)).toContain('app.session.hint');
      const files = builtFiles();
      const gate = new RequestGate(page);
      await gate.install();
      const reloaded = page.reload();
      expect(await gate.nextWave()).toEqual(['/people']);
      expect(significant(await gate.nextWave())).toEqual(files.initial);
      // The session check is auth.me, or auth.refresh when the (3-second) access token is about to expire.
      const third = significant(await gate.nextWave());
      expect(third).toHaveLength(2);
      expect(third).toContain(files.pages);
      expect(third.find((path) => path.startsWith('/trpc/'))).toMatch(/^\/trpc\/(auth\.me|session\/auth\.refresh)$/);
      expect(significant(await gate.nextWave())).toEqual(['/trpc/people.list']);
      await gate.openUp();
      await reloaded;
      await expect(page.locator('tbody tr')).toHaveCount(20);

      // After the access token has expired: one refresh (which answers who is signed in), not me → 401 → refresh → me.
      await waitForCookieExpiry(context, AUTH_COOKIES.access);
      await page.unrouteAll();
      const again = new RequestGate(page);
      await again.install();
      const second = page.reload();
      await again.nextWave();
      await again.nextWave();
      expect(significant(await again.nextWave())).toEqual(['/trpc/session/auth.refresh', files.pages].sort());
      expect(significant(await again.nextWave())).toEqual(['/trpc/people.list']);
      await again.openUp();
      await second;
      await expect(page.locator('tbody tr')).toHaveCount(20);
    });
  });
}
