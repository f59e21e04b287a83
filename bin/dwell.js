#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import { main } from '../dist/src/cli/index.js';

// A reader that stops early (`dwell hunt --help | head`) closes the pipe: output is no longer wanted, which is
// not an error worth a stack trace. Files being written (timelines, reports) are finished regardless.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`dwell: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
