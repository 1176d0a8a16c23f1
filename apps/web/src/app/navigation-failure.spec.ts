import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withNavigationErrorHandler, withRouterConfig } from '@angular/router';
import { NavigationFailures } from './navigation-failure';

@Component({ template: 'loaded' })
class Loaded {}

describe('NavigationFailures', () => {
  let failOnce: Error | null;
  let router: Router;
  let failures: NavigationFailures;

  beforeEach(() => {
    failOnce = null;
    TestBed.configureTestingModule({
      providers: [
        provideRouter(
          [
            { path: '', component: Loaded },
            {
              path: 'account',
              loadComponent: () => {
                const error = failOnce;
                failOnce = null;
                return error ? Promise.reject(error) : Promise.resolve(Loaded);
              },
            },
          ],
          withNavigationErrorHandler((error) => TestBed.inject(NavigationFailures).report(error)),
          withRouterConfig({ resolveNavigationPromiseOnError: true }),
        ),
      ],
    });
    router = TestBed.inject(Router);
    failures = TestBed.inject(NavigationFailures);
  });

  it('reports a page whose code could not be downloaded, and opens it on retry', async () => {
    failOnce = new TypeError('Failed to fetch dynamically imported module: http://app/chunk-X.js');
    expect(await router.navigateByUrl('/account')).toBe(false);
    expect(failures.failure()).toEqual({ url: '/account', codeMissing: true });
    failures.retry();
    await vi.waitFor(() => expect(router.url).toBe('/account'));
    expect(failures.failure()).toBeNull();
  });

  it('tries again by itself when the browser comes back online', async () => {
    failOnce = new TypeError('Failed to fetch dynamically imported module: http://app/chunk-X.js');
    await router.navigateByUrl('/account');
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(router.url).toBe('/account'));
  });

  it('tells other failures apart: they are not retried when the browser comes online', async () => {
    failOnce = new Error('a guard broke');
    await router.navigateByUrl('/account');
    expect(failures.failure()).toEqual({ url: '/account', codeMissing: false });
    window.dispatchEvent(new Event('online'));
    await Promise.resolve();
    expect(router.url).toBe('/');
  });
});
