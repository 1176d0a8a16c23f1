export { createHttpApp } from './create-http-app';
export { type RunningServer, startHttpServer } from './http-server';
