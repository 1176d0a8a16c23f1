export * from './accounts';
export * from './api-process';
export * from './fixtures';
export * from './http-client';
export * from './metrics';
export * from './test-database';
export * from './test-server';
export * from './tokens';
