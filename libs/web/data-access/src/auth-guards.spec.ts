import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { adminGuard, authGuard, guestGuard } from './auth-guards';
import { Blank, configureApiTesting } from './testing/configure-api-testing';
import { flushError, ok, settle, take, USER } from './testing/trpc-responses';

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

  /** Starts a navigation and answers the start-up `auth.me` with `user` (or 401, then a refused refresh). */
  async function navigate(url: string, user: typeof USER | null): Promise<void> {
    const navigation = router.navigateByUrl(url);
    // The guard asks for the session check and waits for it.
    const me = await vi.waitFor(() => {
      const [request] = take(http, 'auth.me');
      if (!request) throw new Error('no auth.me yet');
      return request;
    });
    if (user) {
      me.flush(ok(user));
    } else {
      flushError(me, 401, 'UNAUTHENTICATED');
      await settle();
      flushError(take(http, 'auth.refresh')[0]!, 401, 'REFRESH_INVALID');
    }
    await navigation;
  }

  it('holds a guarded page until the session check answers, then shows it', async () => {
    await navigate('/people', USER);
    expect(router.url).toBe('/people');
  });

  it('sends a visitor without a session to login, remembering the page', async () => {
    await navigate('/admin/users', null);
    expect(router.url).toBe('/login?returnUrl=%2Fadmin%2Fusers');
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
