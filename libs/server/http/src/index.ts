export { type RunningServer, startHttpServer } from './http-server';
export { type MetricsServerOptions, type RunningMetricsServer, startMetricsServer } from './metrics-server';
