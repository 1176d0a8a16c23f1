import { authRouter } from './routers/auth.router';
import { peopleRouter } from './routers/people.router';
import { usersRouter } from './routers/users.router';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  people: peopleRouter,
  users: usersRouter,
});

/** The API's type: clients import it with `import type` only. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
