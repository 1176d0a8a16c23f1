import { AUTH_COOKIES } from '@app/contracts';
import { DEMO_USER, expect, newAccount, recordUrls, signIn, signUp, test, waitForCookieExpiry, VIEWPORTS } from './support/fixtures';

test.describe('signing up and in', () => {
  test('signing up lands on the people list, signed in', async ({ page, saveScreenshot }) => {
    await page.goto('/signup');
    await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
    await saveScreenshot('signup');
    const account = newAccount('signup');
    await signUp(page, account);
    await expect(page.getByRole('heading', { name: 'People' })).toBeVisible();
  });

  test('the forms check input with the shared schemas and show the server’s message on failure', async ({ page, saveScreenshot }) => {
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#login-email-errors')).toHaveText('Email is required');
    await expect(page.locator('#login-password-errors')).toHaveText('Password is required');
    // Focus goes to the first field at fault.
    await expect(page.getByLabel('Email')).toBeFocused();
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');

    await page.getByLabel('Email').fill(DEMO_USER.email);
    await page.getByLabel('Password').fill('Not#TheRightOne1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Invalid email or password');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeFocused(); // not dropped to <body>
    await saveScreenshot('login');

    await page.getByRole('link', { name: 'Create one' }).click();
    await expect(page).toHaveURL(/\/signup$/);
    await page.getByLabel('Email').fill('someone@example');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.locator('#signup-email-errors')).toHaveText('Enter a valid email address');
    await expect(page.locator('#signup-password-errors li')).toHaveText([
      'Password must be at least 8 characters',
      'Password must contain an upper-case letter',
      'Password must contain a digit',
      'Password must contain a symbol',
    ]);
  });

  test('a guarded page sends a visitor to login, and back there after signing in', async ({ page }) => {
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login\?returnUrl=%2Faccount$/);
    await signIn(page, DEMO_USER, /\/account$/);
    await expect(page.getByTestId('account-email')).toHaveText(DEMO_USER.email);
  });

  test('an expired refresh token sends the user to login with returnUrl, and back after signing in', async ({ page, context }) => {
    // This server ends every session 6 s after sign-in (REFRESH_TOKEN_TTL=6s).
    const shortServer = process.env['E2E_SHORT_SESSION_URL'];
    if (!shortServer) throw new Error('E2E_SHORT_SESSION_URL is not set');
    await page.goto(`${shortServer}/login`);
    await signIn(page, DEMO_USER);
    await page.getByRole('link', { name: 'Edit Ada Lovelace' }).click();
    await expect(page).toHaveURL(/\/people\/\d+\/edit$/);
    const editUrl = new URL(page.url()).pathname;
    await expect(page.getByLabel('First name')).toHaveValue('Ada');

    await waitForCookieExpiry(context, AUTH_COOKIES.refresh);
    await page.getByLabel('Last name').fill('Byron');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page).toHaveURL(`${shortServer}/login?returnUrl=${encodeURIComponent(editUrl)}`);

    const urls = recordUrls(page);
    await signIn(page, DEMO_USER, new RegExp(`${editUrl}$`));
    await expect(page.getByLabel('First name')).toHaveValue('Ada');
    expect(urls.at(-1)).toBe(`${shortServer}${editUrl}`);
  });
});

for (const viewport of VIEWPORTS) {
  test.describe(`sign-in and sign-up messages (${viewport.name})`, () => {
    // Chromium logs the refusals these tests provoke (409 email taken, 429 too many attempts).
    test.use({ viewport: { width: viewport.width, height: viewport.height }, consoleAllowed: /status of (409|429)/ });

    test('a refused sign-in keeps focus on the form; too many say when to try again (from Retry-After)', async ({ page }) => {
      const account = newAccount(`limited-${viewport.name}`);
      await signUp(page, account);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page).toHaveURL(/\/login$/);
      await page.getByLabel('Email').fill(account.email);
      await page.getByLabel('Password').fill('Not#TheRightOne1');
      const button = page.getByRole('button', { name: 'Sign in' });
      await button.click();
      await expect(page.getByRole('alert')).toHaveText('Invalid email or password');
      await expect(button).toBeFocused(); // not dropped to <body>
      // The server allows 5 failed attempts per email from one address in 15 minutes.
      for (let attempt = 2; attempt <= 5; attempt++) {
        await button.click();
        await expect(page.getByRole('alert')).toHaveText('Invalid email or password');
      }
      await button.click();
      await expect(page.getByRole('alert')).toHaveText(/^Too many attempts; try again in 1[45] minutes \(at \d{1,2}:\d{2}( [AP]M)?\)\.$/);
      await expect(button).toBeFocused();
    });

    test('"email taken" is an error of the email field, which gets the focus', async ({ page }) => {
      await page.goto('/signup');
      await page.getByLabel('Email').fill(DEMO_USER.email);
      await page.getByLabel('Password').fill('Copper#Lantern42');
      await page.getByRole('button', { name: 'Create account' }).click();
      const email = page.getByLabel('Email');
      await expect(page.locator('#signup-email-errors')).toHaveText('An account with this email already exists');
      await expect(email).toHaveAttribute('aria-invalid', 'true');
      await expect(email).toHaveAccessibleDescription('An account with this email already exists');
      await expect(email).toBeFocused();
      await expect(page.getByRole('alert')).toHaveCount(0);
    });
  });
}
