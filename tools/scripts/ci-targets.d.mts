/** The Nx targets CI runs (ci-targets.mjs). */
export declare const CI_TARGETS: readonly string[];
