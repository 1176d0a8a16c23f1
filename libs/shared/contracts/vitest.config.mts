import { nodeTests } from '../../../vitest.shared';

export default nodeTests(import.meta.dirname, { include: ['src/**/*.spec.ts'] });
