import { serverTests } from '../../../vitest.shared';

export default serverTests(import.meta.dirname, { include: ['src/**/*.spec.ts'], postgresOnly: ['src/statement-time-limit.spec.ts'] });
