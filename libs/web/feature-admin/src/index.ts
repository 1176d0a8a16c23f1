export { AdminUsers } from './admin-users/admin-users';
