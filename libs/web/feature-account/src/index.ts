export { AccountPage } from './account-page/account-page';
export { isEmailNotVerified, whenEmailVerified } from './verification-required/email-verification';
export { VerificationRequired } from './verification-required/verification-required';
export { VerifyEmailBanner } from './verify-email-banner/verify-email-banner';
export { VerifyEmailPage } from './verify-email-page/verify-email-page';
