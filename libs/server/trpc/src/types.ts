// The type-only entry (`@app/server-trpc/types`) for clients: the browser and the typed client
// import the API's shape from here and nothing else of the server.
export type { AppRouter } from './app-router';
