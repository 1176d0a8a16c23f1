export * from './api-client';
export * from './api-errors';
export * from './session-manager';
export * from './token-store';
