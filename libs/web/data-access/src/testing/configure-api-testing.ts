import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, type Routes } from '@angular/router';
import type { User } from '@app/contracts';
import { authInterceptor } from '../auth-interceptor';
import { AuthStore } from '../auth-store';
import { authResult, ok, settle, take, USER } from './trpc-responses';

/** A page that shows nothing: test routes only need somewhere to land. */
@Component({ template: '' })
export class Blank {}

/**
 * The TestBed as the app wires it (HttpClient through `authInterceptor`), with requests answered
 * by hand through the returned `HttpTestingController`, `routes` (by default `/people` and
 * `/login`), and empty storage so no expiry is left over from another test.
 */
export function configureApiTesting(
  routes: Routes = [
    { path: 'people', component: Blank },
    { path: 'login', component: Blank },
  ],
): HttpTestingController {
  localStorage.clear();
  TestBed.configureTestingModule({
    providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting(), provideRouter(routes)],
  });
  return TestBed.inject(HttpTestingController);
}

/** Signs in through the real store as `user`, answering its one `auth.login` with a token valid for `accessTtlMs`. */
export async function signIn(http: HttpTestingController, accessTtlMs?: number, user: User = USER): Promise<AuthStore> {
  const store = TestBed.inject(AuthStore);
  const login = store.login({ email: user.email, password: 'Secret#Pass1' });
  await settle();
  take(http, 'auth.login')[0]?.flush(ok(authResult(user, accessTtlMs)));
  await login;
  return store;
}
