// Node-only entry (`@app/api-client/node`): the parts that need node:fs. The main entry stays
// usable in browsers and other runtimes without a file system.
export * from './file-token-store';
export * from './index';
