export { type AppRouter, appRouter } from './app-router';
export { type Context, createContextFactory } from './context';
export { looksLikeBrowser, type RequestCredentials, requestCredentials } from './credentials';
