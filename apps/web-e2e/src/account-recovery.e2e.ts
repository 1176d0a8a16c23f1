import { AccountMessages, ErrorMessages, PasswordMessages } from '@app/contracts';
import { expect, linkIn, newAccount, scrollsSideways, signIn, signUp, test, VIEWPORTS } from './support/fixtures';

const NEW_PASSWORD = 'Brass#Compass77';

for (const viewport of VIEWPORTS) {
  test.describe(`account recovery and verification (${viewport.name})`, () => {
    // Chromium reports the refused links (400), the refused sessions (401) and the rate limit (429) on the console.
    test.use({ viewport: { width: viewport.width, height: viewport.height }, consoleAllowed: /status of (400 \(Bad Request\)|429 \(Too Many Requests\))/ });

    test('sign up → verification mail → verify: the banner and the account page follow, a replaced link explains itself', async ({
      page,
      mailbox,
      saveScreenshot,
    }) => {
      const account = newAccount(`verify-${viewport.name}`);
      await signUp(page, account);
      const banner = page.getByRole('region', { name: 'Verify your email address' });
      await expect(banner).toContainText(account.email);
      await expect(banner.getByRole('button', { name: 'Resend verification email' })).toBeVisible();
      expect(await scrollsSideways(page)).toBe(false);
      await saveScreenshot(`verify-banner-${viewport.name}`);
      // The account page shows the same state and button itself, so the banner steps aside there.
      await page.getByRole('link', { name: 'Account' }).click();
      const status = page.getByTestId('email-status');
      await expect(status).toContainText('Not verified');
      await expect(banner).toHaveCount(0);
      expect(await scrollsSideways(page)).toBe(false);

      // The mail sent at signup, then a new one asked for from the account page: the first link is replaced.
      const first = await mailbox.waitFor(account.email, 'email_verification');
      await status.getByRole('button', { name: 'Resend verification email' }).click();
      await expect(status.getByRole('status')).toHaveText(AccountMessages.verificationSent);
      const second = await mailbox.waitFor(account.email, 'email_verification', 2);

      await page.goto(linkIn(first));
      await expect(page.getByRole('alert')).toHaveText(ErrorMessages.verificationTokenReplaced);
      await expect(page.getByRole('button', { name: 'Resend verification email' })).toBeVisible();
      expect(await scrollsSideways(page)).toBe(false);
      await saveScreenshot(`verify-replaced-link-${viewport.name}`);

      await page.goto(linkIn(second));
      await expect(page.getByRole('main').getByRole('status')).toHaveText(AccountMessages.emailVerified);
      await page.getByRole('link', { name: 'Go to your account' }).click();
      await expect(status).toHaveText('Verified');
      // Verified for good: after a reload (the server asked again) no page shows the banner.
      await page.getByRole('link', { name: 'People' }).click();
      // The router changes the address only once the page's code is in: reload only after it did.
      await expect(page).toHaveURL(/\/people$/);
      await page.reload();
      await expect(page.getByRole('heading', { name: 'People' })).toBeVisible();
      await expect(banner).toHaveCount(0);
    });

    test('forgot → mail → reset → signed out everywhere → sign in with the new password; the used link explains itself', async ({
      page,
      otherDevice,
      mailbox,
      saveScreenshot,
    }) => {
      const account = newAccount(`reset-${viewport.name}`);
      await signUp(page, account);
      const other = await otherDevice();
      await signIn(other, account);

      // Someone who forgot their password, in a browser that is not signed in.
      const visitor = await otherDevice();
      await visitor.goto('/login');
      await visitor.getByRole('link', { name: 'Forgot password?' }).click();
      await expect(visitor).toHaveURL(/\/forgot-password$/);
      // The same answer for an address with no account.
      await visitor.getByLabel('Email').fill(`nobody-${Date.now()}@example.com`);
      await visitor.getByRole('button', { name: 'Send reset link' }).click();
      await expect(visitor.getByRole('main').getByRole('status')).toHaveText(AccountMessages.resetRequested);
      await visitor.getByLabel('Email').fill(account.email);
      await visitor.getByRole('button', { name: 'Send the link again' }).click();
      await expect(visitor.getByRole('main').getByRole('status')).toHaveText(AccountMessages.resetRequested);
      expect(await scrollsSideways(visitor)).toBe(false);
      await saveScreenshot(`forgot-password-${viewport.name}`, visitor);

      const mail = await mailbox.waitFor(account.email, 'password_reset');
      await visitor.goto(linkIn(mail));
      const password = visitor.getByLabel('New password', { exact: true });
      const errors = visitor.locator('#new-password-errors');
      await password.fill('lantern');
      await visitor.getByRole('button', { name: 'Set new password' }).click();
      await expect(password).toBeFocused();
      await expect(errors).toContainText(PasswordMessages.upper);
      // From then on the rules follow the typing.
      await password.fill('Lantern');
      await expect(errors).not.toContainText(PasswordMessages.upper);
      await expect(errors).toContainText(PasswordMessages.digit);
      await password.fill(NEW_PASSWORD);
      await expect(errors).toHaveCount(0);
      expect(await scrollsSideways(visitor)).toBe(false);
      await saveScreenshot(`reset-password-${viewport.name}`, visitor);
      await visitor.getByRole('button', { name: 'Set new password' }).click();
      await expect(visitor).toHaveURL(/\/login$/);
      await expect(visitor.getByTestId('password-reset-notice')).toHaveText(AccountMessages.passwordReset);

      // Every session of the account has ended: both devices are sent to sign in.
      for (const device of [page, other]) {
        await device.getByRole('link', { name: 'Account' }).click();
        await expect(device).toHaveURL(/\/login\?returnUrl=%2Faccount$/);
      }
      await other.getByLabel('Email').fill(account.email);
      await other.getByLabel('Password').fill(account.password);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await expect(other.getByRole('alert')).toHaveText(ErrorMessages.invalidCredentials);
      await signIn(visitor, { email: account.email, password: NEW_PASSWORD });

      // The link worked once; opened again (here, on the first device) it says so and offers a way on.
      await page.goto(linkIn(mail));
      await page.getByLabel('New password', { exact: true }).fill('Another#Compass88');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect(page.getByTestId('link-problem')).toHaveText(ErrorMessages.resetTokenUsed);
      await expect(page.getByTestId('link-problem')).toBeFocused();
      await expect(page.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
      await expect(page.getByRole('link', { name: 'Sign in', exact: true })).toHaveAttribute('href', '/login');
    });

    test('too many reset requests for one address say when to try again', async ({ page }) => {
      const email = `limited-${viewport.name}-${Date.now()}@example.com`;
      await page.goto('/forgot-password');
      await page.getByLabel('Email').fill(email);
      const send = page.getByRole('button', { name: /^Send (reset link|the link again)$/ });
      // The limit per address (3 in 15 minutes) holds whether or not it has an account.
      for (let attempt = 1; attempt <= 3; attempt++) {
        await send.click();
        await expect(page.getByRole('main').getByRole('status')).toHaveText(AccountMessages.resetRequested);
      }
      await send.click();
      await expect(page.getByRole('alert')).toHaveText(/^Too many attempts; try again in \d+ minutes \(at \d{1,2}:\d{2}( [AP]M)?\)\.$/);
      await expect(page.getByRole('main').getByRole('status')).toHaveText('');
      expect(await scrollsSideways(page)).toBe(false);
    });

    test('recent activity lists the sign-ins, the failed one, and the signup, with IP and device', async ({ page, saveScreenshot }) => {
      const account = newAccount(`activity-${viewport.name}`);
      await signUp(page, account);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page).toHaveURL(/\/login$/);
      await page.getByLabel('Email').fill(account.email);
      await page.getByLabel('Password').fill('Wrong#Password1');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert')).toHaveText(ErrorMessages.invalidCredentials);
      await signIn(page, account);

      await page.getByRole('link', { name: 'Account' }).click();
      const activity = page.getByRole('table', { name: /recent activity/ });
      const rows = activity.locator('tbody tr');
      // Newest first, each in words.
      await expect(rows.locator('td:first-child')).toHaveText(['Signed in', 'Failed sign-in (wrong password)', 'Signed out', 'Account created']);
      await expect(rows.first()).toContainText('127.0.0.1');
      await expect(rows.first()).toContainText('Chrome on Linux');
      expect(await scrollsSideways(page)).toBe(false);
      await activity.scrollIntoViewIfNeeded();
      await saveScreenshot(`recent-activity-${viewport.name}`);
    });
  });
}
