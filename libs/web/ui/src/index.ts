export * from './confirm-dialog';
export * from './field-errors';
export * from './server-errors';
