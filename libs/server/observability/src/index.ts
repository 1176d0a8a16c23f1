export { ServerMetrics, type PoolStats } from './metrics';
export {
  AUTH_EVENTS,
  type AuthEvent,
  type MetricsRecorder,
  NO_METRICS,
  NO_TELEMETRY,
  NO_TRACING,
  type ProcedureOutcome,
  type QueryEvent,
  type Telemetry,
  type Tracing,
} from './telemetry';
