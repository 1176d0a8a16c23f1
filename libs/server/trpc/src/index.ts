export { AppError } from './app-error';
export { type AppRouter, appRouter, createCaller } from './app-router';
export { type Context, createContextFactory, createContextInner, type InnerContextOptions, type SessionCookies, type Transport } from './context';
