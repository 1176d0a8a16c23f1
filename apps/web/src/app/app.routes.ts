import type { Routes } from '@angular/router';
import { adminGuard, authGuard, guestGuard } from '@app/web-data-access';

/** The pages' code: one chunk for all of them (see features.ts), started at once by the app initializer. */
export const loadFeatures = () => import('./features');

/**
 * Login and signup stand alone, and so do the pages the emails link to (reset, verify) and the
 * reset request; everything else lives in the signed-in shell. Pages load lazily;
 * guards wait for the start-up session check and redirect with a UrlTree. Titles get the
 * product name from `ProductTitleStrategy`.
 */
export const routes: Routes = [
  {
    path: 'login',
    canActivate: [guestGuard],
    title: 'Sign in',
    loadComponent: () => loadFeatures().then((m) => m.LoginPage),
  },
  {
    path: 'signup',
    canActivate: [guestGuard],
    title: 'Create an account',
    loadComponent: () => loadFeatures().then((m) => m.SignupPage),
  },
  // From the emails and the sign-in page: open to anyone, signed in or not.
  {
    path: 'forgot-password',
    title: 'Reset your password',
    loadComponent: () => loadFeatures().then((m) => m.ForgotPasswordPage),
  },
  {
    path: 'reset-password',
    title: 'Choose a new password',
    loadComponent: () => loadFeatures().then((m) => m.ResetPasswordPage),
  },
  {
    path: 'verify-email',
    title: 'Verify your email address',
    loadComponent: () => loadFeatures().then((m) => m.VerifyEmailPage),
  },
  {
    path: '',
    canActivate: [authGuard],
    loadComponent: () => loadFeatures().then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'people' },
      { path: 'people', loadChildren: () => loadFeatures().then((m) => m.PEOPLE_ROUTES) },
      { path: 'account', title: 'Account', loadComponent: () => loadFeatures().then((m) => m.AccountPage) },
      {
        path: 'admin/users',
        title: 'Users',
        canActivate: [adminGuard],
        loadComponent: () => loadFeatures().then((m) => m.AdminUsers),
      },
      { path: 'not-allowed', title: 'Not allowed', loadComponent: () => loadFeatures().then((m) => m.NotAllowed) },
      { path: '**', title: 'Page not found', loadComponent: () => loadFeatures().then((m) => m.NotFound) },
    ],
  },
];
