export { AccountPage } from './account-page/account-page';
