// An Nx plugin with only a task-lifecycle hook (nx.json "plugins"): after a run, it writes each
// task's outcome to the file named by TASK_RESULTS_FILE, for tools/scripts/test-all.mjs to sum.
// Runs in the Nx process only with the daemon off (NX_DAEMON=false), as test-all.mjs sets it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const name = 'task-results';

/** @type {import('@nx/devkit').PostTasksExecution} */
export async function postTasksExecution(_options, context) {
  const file = process.env['TASK_RESULTS_FILE'];
  // Tasks may start Nx themselves (e.g. a test's setup building the API); only the run that
  // test-all.mjs started records its results, not those nested inside one of its tasks.
  if (!file || process.env['NX_TASK_TARGET_PROJECT']) return;
  const tasks = Object.values(context.taskResults).map(({ task, status, code }) => ({
    id: task.id,
    project: task.target.project,
    target: task.target.target,
    projectRoot: task.projectRoot,
    status,
    code,
    seconds: task.startTime && task.endTime ? Math.round((task.endTime - task.startTime) / 100) / 10 : undefined,
  }));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ tasks }, null, 2)}\n`);
}
