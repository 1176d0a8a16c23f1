// The Nx targets CI runs, in one place: tools/scripts/test-all.mjs (npm test, .ci/run) runs them,
// and tools/scripts/ci-workflow.spec.ts checks that .github/workflows/ci.yml runs the same ones.
// smoke-lts (api): the API's smoke tests on the current LTS Node.js (tools/scripts/lts-smoke.mjs).
export const CI_TARGETS = ['lint', 'typecheck', 'test', 'build', 'e2e', 'smoke-lts'];
