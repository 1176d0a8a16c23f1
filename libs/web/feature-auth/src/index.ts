export { LoginPage } from './login-page/login-page';
export { SignupPage } from './signup-page/signup-page';
export { ForgotPasswordPage } from './forgot-password-page/forgot-password-page';
export { ResetPasswordPage } from './reset-password-page/reset-password-page';
