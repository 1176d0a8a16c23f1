import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AccountMessages } from '@app/contracts';
import { Blank, configureApiTesting } from '@app/web-data-access/testing';
import { LoginPage } from './login-page';

describe('LoginPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = configureApiTesting([
      { path: 'login', component: LoginPage },
      { path: 'forgot-password', component: Blank },
    ]);
  });

  afterEach(() => http.verify());

  it('leads to the reset request from “Forgot password?”', async () => {
    const harness = await RouterTestingHarness.create('/login');
    const link = [...(harness.routeNativeElement as HTMLElement).querySelectorAll('a')].find((a) => a.textContent?.trim() === 'Forgot password?');
    expect(link?.getAttribute('href')).toBe('/forgot-password');
    link?.click();
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/forgot-password');
  });

  it('says every session was signed out when it opens after a password reset, and only then', async () => {
    const harness = await RouterTestingHarness.create('/login');
    const notice = () => (harness.routeNativeElement as HTMLElement).querySelector('[data-testid="password-reset-notice"]');
    expect(notice()).toBeNull();
    await TestBed.inject(Router).navigateByUrl('/forgot-password');
    await TestBed.inject(Router).navigateByUrl('/login', { state: { passwordReset: true } });
    await harness.fixture.whenStable();
    expect(notice()?.textContent?.trim()).toBe(AccountMessages.passwordReset);
    expect(notice()?.getAttribute('role')).toBe('status');
  });
});
