export { type RunningServer, startHttpServer } from './http-server';
