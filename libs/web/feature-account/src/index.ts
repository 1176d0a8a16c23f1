export { AccountPage } from './account-page/account-page';
export { VerifyEmailBanner } from './verify-email-banner/verify-email-banner';
export { VerifyEmailPage } from './verify-email-page/verify-email-page';
