/**
 * Everything behind the first screen, in one lazily loaded chunk: the pages, the signed-in shell
 * and the ui components they share.
 *
 * Each page needs the shared zod schemas and signal forms (≈ 37 kB gzip); the pages themselves
 * are a few kB. Loaded separately, a page's chunk is fetched first and its shared imports only
 * after it arrives: two round trips before the first screen. Loaded together they are one
 * request, issued as soon as the app starts, and every page after the first opens without the
 * network (also offline). Nothing here may be imported by main: it would land in the initial bundle.
 */
export { ForgotPasswordPage, LoginPage, ResetPasswordPage, SignupPage } from '@app/web-feature-auth';
export { PEOPLE_ROUTES } from '@app/web-feature-people';
export { AccountPage, VerifyEmailPage } from '@app/web-feature-account';
export { AdminUsers } from '@app/web-feature-admin';
export { NotAllowed } from './pages/not-allowed';
export { NotFound } from './pages/not-found';
export { Shell } from './shell/shell';
