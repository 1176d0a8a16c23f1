// `npm run cli -- <command>`: a command-line client for the API, built on @app/api-client.
import { runCli } from './cli-app';

void runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
