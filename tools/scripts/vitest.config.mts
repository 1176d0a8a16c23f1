import { nodeTests } from '../../vitest.shared';

// The database scripts as a user runs them, each run on an embedded database of its own.
export default nodeTests(import.meta.dirname, { include: ['**/*.spec.ts'], testTimeout: 120_000 });
