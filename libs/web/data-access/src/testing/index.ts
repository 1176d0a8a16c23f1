/** Test support for the web app's specs: the TestBed as the app wires it, and tRPC answers by hand. */
export * from './configure-api-testing';
export * from './trpc-responses';
