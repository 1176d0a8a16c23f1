export { LoginPage } from './login-page/login-page';
export { SignupPage } from './signup-page/signup-page';
