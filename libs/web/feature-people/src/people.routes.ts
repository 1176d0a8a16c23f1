import type { Routes } from '@angular/router';
import { PeopleList } from './people-list/people-list';
import { PersonForm } from './person-form/person-form';

/** `/people`, `/people/new`, `/people/:id/edit`. */
export const PEOPLE_ROUTES: Routes = [
  { path: '', component: PeopleList, title: 'People' },
  { path: 'new', component: PersonForm, title: 'New person' },
  { path: ':id/edit', component: PersonForm, title: 'Edit person' },
];
