#!/usr/bin/env node
// `npm run new-service -- <name> --team <team> --owner-group <email> ...`
// Adds a service to the catalog; see lib/new-service/run.ts.
import { newService } from '../lib/new-service/run';

newService(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
