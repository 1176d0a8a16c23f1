export { AccountPage } from './account-page/account-page';
export { describeUserAgent } from './describe-user-agent';
