export * from './account.schemas';
export * from './auth-events.schemas';
export * from './auth.schemas';
export * from './common-passwords';
export * from './error-codes';
export * from './pagination.schemas';
export * from './people.schemas';
export * from './users.schemas';
