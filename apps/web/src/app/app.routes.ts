import type { Routes } from '@angular/router';
import { adminGuard, authGuard, guestGuard } from '@app/web-data-access';
import { NotAllowed } from './pages/not-allowed';
import { NotFound } from './pages/not-found';
import { Shell } from './shell/shell';

/**
 * Login and signup stand alone; everything else lives in the signed-in shell. Features load
 * lazily; guards wait for the start-up session check and redirect with a UrlTree.
 */
export const routes: Routes = [
  {
    path: 'login',
    canActivate: [guestGuard],
    title: 'Sign in',
    loadComponent: () => import('@app/web-feature-auth').then((m) => m.LoginPage),
  },
  {
    path: 'signup',
    canActivate: [guestGuard],
    title: 'Create an account',
    loadComponent: () => import('@app/web-feature-auth').then((m) => m.SignupPage),
  },
  {
    path: '',
    component: Shell,
    canActivate: [authGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'people' },
      { path: 'people', loadChildren: () => import('@app/web-feature-people').then((m) => m.PEOPLE_ROUTES) },
      { path: 'account', title: 'Account', loadComponent: () => import('@app/web-feature-account').then((m) => m.AccountPage) },
      {
        path: 'admin/users',
        title: 'Users',
        canActivate: [adminGuard],
        loadComponent: () => import('@app/web-feature-admin').then((m) => m.AdminUsers),
      },
      { path: 'not-allowed', title: 'Not allowed', component: NotAllowed },
      { path: '**', title: 'Not found', component: NotFound },
    ],
  },
];
