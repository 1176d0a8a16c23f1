import { DEMO_USER, expect, NETWORK_FAILURE_CONSOLE, newAccount, signIn, signUp, test, VIEWPORTS } from './support/fixtures';
import { pagesChunk } from './support/built-app';

for (const viewport of VIEWPORTS) {
  test.describe(`honest error states (${viewport.name})`, () => {
    test.use({
      viewport: { width: viewport.width, height: viewport.height },
      consoleAllowed: new RegExp(`${NETWORK_FAILURE_CONSOLE.source}|Failed to fetch dynamically imported module`),
    });

    test('with the server down a search keeps the last results, says what failed, and Retry gets the answer', async ({ page }) => {
      await signUp(page, newAccount(`down-${viewport.name}`));
      const rows = page.locator('tbody tr');
      await page.getByLabel('Search by name').fill('Lovelace');
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText('Ada');

      await page.route('**/trpc/people.list**', (route) => route.abort('connectionrefused'));
      await page.getByLabel('Search by name').fill('Hopper');
      const failure = page.getByRole('alert').filter({ hasText: 'Couldn’t search for “Hopper”' });
      await expect(failure).toContainText('Cannot reach the server');
      await expect(failure).toContainText('Still showing the results for “Lovelace”');
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText('Ada'); // kept, not wiped
      await expect(page.getByText('No one matches')).toHaveCount(0); // nothing false
      await expect(page).toHaveURL(/\?q=Hopper$/);

      // Clearing the search while the server is still down: still no "No people yet".
      await page.getByLabel('Search by name').fill('');
      await expect(page.getByRole('alert').filter({ hasText: 'Couldn’t load people' })).toBeVisible();
      await expect(page.getByText('No people yet')).toHaveCount(0);
      await expect(rows.first()).toContainText('Ada');

      await page.unrouteAll();
      await page.getByRole('button', { name: 'Retry' }).click();
      await expect(rows).toHaveCount(20);
      await expect(page.getByRole('alert')).toHaveCount(0);
      // The Retry button is gone: focus went to the search box, not to <body>.
      await expect(page.getByLabel('Search by name')).toBeFocused();
    });

    test('"Load more" that fails keeps the rows and retries from where it stopped; focus goes to the first new row', async ({ page }) => {
      await signUp(page, newAccount(`more-${viewport.name}`));
      const rows = page.locator('tbody tr');
      await expect(rows).toHaveCount(20);
      await page.route('**/trpc/people.list**', (route) => route.abort('connectionrefused'));
      await page.getByRole('button', { name: 'Load more' }).click();
      await expect(page.getByRole('alert').filter({ hasText: 'Couldn’t load more people' })).toBeVisible();
      await expect(rows).toHaveCount(20);
      await page.unrouteAll();
      await page.getByRole('button', { name: 'Retry' }).click();
      await expect.poll(() => rows.count()).toBeGreaterThan(20);
      await expect(rows.nth(20)).toBeFocused();
      await expect(page.getByRole('alert')).toHaveCount(0);
    });

    test('every page opens offline once the app is loaded, and says honestly that its data cannot be fetched', async ({ page, context }) => {
      await page.goto('/login');
      await signIn(page, DEMO_USER);
      await context.setOffline(true);
      await page.getByRole('link', { name: 'Account' }).click();
      await expect(page).toHaveURL(/\/account$/);
      await expect(page.getByRole('heading', { name: 'Account' })).toBeVisible();
      // Each part of the page says what it could not fetch, and retries on its own.
      const account = page.getByRole('alert').filter({ hasText: 'Couldn’t load your account' });
      const activity = page.getByRole('alert').filter({ hasText: 'Couldn’t load your activity' });
      await expect(account).toContainText('Couldn’t load your account: Cannot reach the server');
      await expect(activity).toContainText('Couldn’t load your activity: Cannot reach the server');
      await context.setOffline(false);
      await account.getByRole('button', { name: 'Retry' }).click();
      await expect(page.getByTestId('account-email')).toHaveText(DEMO_USER.email);
      await expect(page.getByRole('heading', { name: 'Where you are signed in' })).toBeFocused();
      await activity.getByRole('button', { name: 'Retry' }).click();
      await expect(page.getByRole('table', { name: /recent activity/ }).locator('tbody tr').first()).toContainText('Signed in');
      await expect(page.getByRole('alert')).toHaveCount(0);
    });

    test('when a page’s code cannot be downloaded the app says so and Try again opens it', async ({ page }) => {
      const chunk = pagesChunk();
      let blocked = true;
      await page.route(`**${chunk}`, (route) => (blocked ? route.abort('internetdisconnected') : route.continue()));
      await page.goto('/login');
      const notice = page.getByRole('alert').filter({ hasText: 'This page could not be loaded' });
      await expect(notice).toBeVisible();
      await expect(notice).toContainText('Check your connection');
      blocked = false;
      await notice.getByRole('button', { name: 'Try again' }).click();
      await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
      await expect(notice).toHaveCount(0);
    });
  });
}
