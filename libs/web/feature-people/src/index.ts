export { PEOPLE_ROUTES } from './people.routes';
