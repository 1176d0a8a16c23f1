import { AccountMessages, ErrorMessages } from '@app/contracts';
import { expect, linkIn, newAccount, scrollsSideways, signUp, test, VIEWPORTS, watchConsole } from './support/fixtures';

/** The server the global setup started with REQUIRE_EMAIL_VERIFICATION=true. */
function verifiedOnlyUrl(): string {
  const url = process.env['E2E_VERIFIED_ONLY_URL'];
  if (!url) throw new Error('E2E_VERIFIED_ONLY_URL is not set: run through playwright.config.ts (globalSetup)');
  return url;
}

for (const viewport of VIEWPORTS) {
  test.describe(`a server that requires a verified address (${viewport.name})`, () => {
    test.use({
      viewport: { width: viewport.width, height: viewport.height },
      baseURL: async ({}, use) => use(verifiedOnlyUrl()),
      // Chromium reports each call the server refuses until the address is verified (403) on the console.
      consoleAllowed: /Failed to load resource: the server responded with a status of 403 \(Forbidden\)$/,
    });

    test('sign up → People says the address must be verified → resend → the link from the mail → People loads', async ({
      page,
      context,
      mailbox,
      saveScreenshot,
    }) => {
      const sessionCalls: string[] = [];
      page.on('request', (request) => {
        if (/auth\.(refresh|logout)/.test(request.url())) sessionCalls.push(request.url());
      });
      const listAnswers: number[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname === '/trpc/people.list') listAnswers.push(response.status());
      });
      const account = newAccount(`verified-only-${viewport.name}`);
      await signUp(page, account);

      // What People shows: the address must be verified first, which address, and the way on.
      const prompt = page.getByRole('region', { name: 'Verify your email address to use this page' });
      await expect(prompt).toContainText('Your email address must be verified before you can use this page.');
      await expect(prompt).toContainText(account.email);
      // Not an error: no alert, no Retry, no list; one prompt (the banner above steps aside), one button.
      await expect(page.getByRole('alert')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
      await expect(page.getByText(ErrorMessages.emailNotVerified)).toHaveCount(0);
      await expect(page.getByRole('table')).toHaveCount(0);
      await expect(page.getByRole('region', { name: 'Verify your email address', exact: true })).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Resend verification email' })).toHaveCount(1);
      await expect(page).toHaveURL(/\/people$/);
      expect(await scrollsSideways(page)).toBe(false);
      await saveScreenshot(`verification-required-${viewport.name}`);

      await prompt.getByRole('button', { name: 'Resend verification email' }).click();
      await expect(prompt.getByRole('status')).toHaveText(AccountMessages.verificationSent);
      const first = await mailbox.waitFor(account.email, 'email_verification', 1);
      const second = await mailbox.waitFor(account.email, 'email_verification', 2);
      expect(linkIn(second)).not.toBe(linkIn(first));

      // The account page says the same, without an error, and lists nothing it cannot show yet.
      await page.getByRole('link', { name: 'Account' }).click();
      await expect(page.getByTestId('account-email')).toHaveText(account.email);
      await expect(page.getByTestId('email-status')).toContainText('Not verified');
      await expect(page.getByTestId('verification-required-hint')).toBeVisible();
      await expect(page.getByTestId('sessions-need-verification')).toBeVisible();
      await expect(page.getByTestId('activity-needs-verification')).toBeVisible();
      await expect(page.getByRole('alert')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
      expect(await scrollsSideways(page)).toBe(false);
      await page.getByRole('link', { name: 'People' }).click();
      await expect(prompt).toContainText(account.email);

      // The newest link, opened in another tab of this browser (as a mail client would): verified.
      const mailTab = await context.newPage();
      const mailTabConsole = watchConsole(mailTab);
      await mailTab.goto(linkIn(second));
      await expect(mailTab.getByRole('main').getByRole('status')).toHaveText(AccountMessages.emailVerified);

      // People, still open in the first tab, loads by itself: no sign-out, no reload.
      await expect(page.getByRole('table')).toBeVisible();
      await expect(prompt).toHaveCount(0);
      await expect(page.getByRole('link', { name: 'New person' })).toBeVisible();
      await expect(page.getByRole('alert')).toHaveCount(0);
      await expect(page.getByRole('region', { name: 'Verify your email address', exact: true })).toHaveCount(0);
      await saveScreenshot(`verification-required-then-verified-${viewport.name}`);

      // And from the tab of the link, on through the app to People.
      await mailTab.getByRole('link', { name: 'Go to your account' }).click();
      await expect(mailTab.getByTestId('email-status')).toHaveText('Verified');
      await expect(mailTab.getByRole('table', { name: 'Your sessions' })).toBeVisible();
      await mailTab.getByRole('link', { name: 'People' }).click();
      // The account page's tables stay on screen until the router has reached People.
      await expect(mailTab).toHaveURL(/\/people$/);
      await expect(mailTab.getByRole('link', { name: 'New person' })).toBeVisible();
      await expect(mailTab.getByRole('table')).toBeVisible();
      await expect(mailTab.getByTestId('current-user')).toHaveText(account.email);
      expect(mailTabConsole.problems(), 'console errors in the tab of the link').toEqual([]);

      // Nothing of this touched the session (no refresh, no sign-out), and nothing was asked in a
      // loop: People asked once on each visit, and once more when the address was verified.
      expect(sessionCalls).toEqual([]);
      expect(listAnswers).toEqual([403, 403, 200]);
    });
  });
}
