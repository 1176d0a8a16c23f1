import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { adminGuard, authGuard, guestGuard } from './auth-guards';
import { Blank, configureApiTesting } from './testing/configure-api-testing';
import { writeSessionHint } from './session-hint';
import { ok, take, USER } from './testing/trpc-responses';

describe('route guards', () => {
  let http: HttpTestingController;
  let router: Router;

  beforeEach(() => {
    http = configureApiTesting([
      { path: 'login', component: Blank, canActivate: [guestGuard] },
      { path: 'not-allowed', component: Blank },
      {
        path: '',
        canActivate: [authGuard],
        children: [
          { path: 'people', component: Blank },
          { path: 'admin/users', component: Blank, canActivate: [adminGuard] },
        ],
      },
    ]);
    router = TestBed.inject(Router);
  });

  afterEach(() => http.verify());

  /**
   * Starts a navigation on a fresh start: with `user`, this browser holds a session (its hint)
   * and the start-up `auth.me` answers with that user; with null it holds none, so nothing is asked.
   */
  async function navigate(url: string, user: typeof USER | null): Promise<void> {
    if (user) writeSessionHint({ accessTokenExpiresAt: Date.now() + 60_000, sessionExpiresAt: Date.now() + 86_400_000 });
    const navigation = router.navigateByUrl(url);
    if (user) {
      // The guard asks for the session check and waits for it.
      const me = await vi.waitFor(() => {
        const [request] = take(http, 'auth.me');
        if (!request) throw new Error('no auth.me yet');
        return request;
      });
      me.flush(ok(user));
    }
    await navigation;
  }

  it('holds a guarded page until the session check answers, then shows it', async () => {
    await navigate('/people', USER);
    expect(router.url).toBe('/people');
  });

  it('sends a visitor without a session to login, remembering the page, without asking the server', async () => {
    await navigate('/admin/users', null);
    expect(router.url).toBe('/login?returnUrl=%2Fadmin%2Fusers');
    http.expectNone(() => true);
  });

  it('lets an admin reach an admin page on a fresh load', async () => {
    await navigate('/admin/users', { ...USER, role: 'admin' });
    expect(router.url).toBe('/admin/users');
  });

  it('shows "not allowed" to a signed-in user on an admin page', async () => {
    await navigate('/admin/users', USER);
    expect(router.url).toBe('/not-allowed');
  });

  it('sends a signed-in user away from the login page to returnUrl', async () => {
    await navigate('/login?returnUrl=%2Fpeople', USER);
    expect(router.url).toBe('/people');
  });
});
