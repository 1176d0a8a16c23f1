export * from './fixtures';
export * from './http-client';
export * from './test-database';
export * from './test-server';
