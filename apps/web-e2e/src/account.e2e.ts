import { expect, newAccount, signIn, signUp, test, VIEWPORTS, watchConsole } from './support/fixtures';

const NEW_PASSWORD = 'Brass#Compass77';

for (const viewport of VIEWPORTS) {
  test.describe(`changing the password (${viewport.name})`, () => {
    // Chromium reports the refused change (the wrong current password's 400) on the console.
    test.use({ viewport: { width: viewport.width, height: viewport.height }, consoleAllowed: /status of 400 \(Bad Request\)/ });

    test('a wrong current password is shown under its field; a change keeps this browser signed in and signs out the other devices', async ({
      page,
      context,
      otherDevice,
      serverLog,
      saveScreenshot,
    }) => {
      const account = newAccount(`change-${viewport.name}`);
      await signUp(page, account);
      const other = await otherDevice();
      await other.goto('/login');
      await signIn(other, account);
      // A second tab of this browser shares its cookies: it must stay signed in too.
      const secondTab = await context.newPage();
      const secondTabConsole = watchConsole(secondTab);
      await secondTab.goto('/people');
      await expect(secondTab.getByTestId('current-user')).toHaveText(account.email);

      await page.getByRole('link', { name: 'Account' }).click();
      const form = page.getByRole('region', { name: 'Change password' });
      await expect(form.getByLabel('Sign out my other devices')).toBeChecked();
      await form.getByLabel('Current password').fill('Wrong#Password1');
      await form.getByLabel('New password').fill(NEW_PASSWORD);
      await form.getByRole('button', { name: 'Change password' }).click();
      await expect(page.locator('#current-password-errors')).toHaveText('Current password is incorrect');
      await expect(form.getByLabel('Current password')).toBeFocused();
      await expect(form.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');
      await saveScreenshot(`change-password-wrong-${viewport.name}`);

      const mark = serverLog.mark();
      await form.getByLabel('Current password').fill(account.password);
      await form.getByRole('button', { name: 'Change password' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Password changed' })).toHaveText(/Password changed\. Your other devices were signed out\./);
      // The list of sessions now holds this device only, with its new session.
      await expect(page.getByRole('table', { name: 'Your sessions' }).getByRole('row')).toHaveCount(2);
      await expect(page.getByText('This device')).toBeVisible();
      await expect(form.getByLabel('Current password')).toHaveValue('');
      expect(serverLog.requestsSince(mark, '/trpc/auth.changePassword').map((r) => r.status)).toEqual([200]);
      await saveScreenshot(`change-password-done-${viewport.name}`);

      // This browser is still signed in, after a reload and in its other tab.
      await page.reload();
      await expect(page).toHaveURL(/\/account$/);
      await expect(page.getByTestId('account-email')).toHaveText(account.email);
      await secondTab.getByRole('link', { name: 'Account' }).click();
      await expect(secondTab.getByText('This device')).toBeVisible();
      expect(secondTabConsole.problems()).toEqual([]);

      // The other device's session is over: its next call sends it to sign in.
      await other.getByRole('link', { name: 'Account' }).click();
      await expect(other).toHaveURL(/\/login\?returnUrl=%2Faccount$/);
      await other.getByLabel('Email').fill(account.email);
      await other.getByLabel('Password').fill(account.password);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await expect(other.getByRole('alert')).toHaveText('Invalid email or password');
      await other.getByLabel('Password').fill(NEW_PASSWORD);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await expect(other).toHaveURL(/\/account$/);
    });
  });
}

test('changing the password can leave the other devices signed in', async ({ page, otherDevice }) => {
  const account = newAccount('change-keep');
  await signUp(page, account);
  const other = await otherDevice();
  await other.goto('/login');
  await signIn(other, account);

  await page.getByRole('link', { name: 'Account' }).click();
  const form = page.getByRole('region', { name: 'Change password' });
  await form.getByLabel('Current password').fill(account.password);
  await form.getByLabel('New password').fill(NEW_PASSWORD);
  await form.getByLabel('Sign out my other devices').uncheck();
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Password changed' })).toHaveText(/^Password changed\.\s*×?$/);
  await expect(page.getByRole('table', { name: 'Your sessions' }).getByRole('row')).toHaveCount(3);

  await other.getByRole('link', { name: 'Account' }).click();
  await expect(other).toHaveURL(/\/account$/);
  await expect(other.getByText('This device')).toBeVisible();
});
