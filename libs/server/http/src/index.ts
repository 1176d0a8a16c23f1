export { type RunningServer, startHttpServer } from './http-server';
export { type PeriodicJob, periodicJobs } from './periodic-jobs';
export { type MetricsServerOptions, type RunningMetricsServer, startMetricsServer } from './metrics-server';
