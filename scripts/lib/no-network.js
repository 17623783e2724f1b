// Preload for bundle checks (scripts/lib/bundles.ts): loading a cloud function must not touch the
// network, so any connection attempt throws, and the process ends with exit code 5 if one was made
// (also when the SDK swallowed the error).
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload runs as plain CommonJS */
const net = require('node:net');
const dns = require('node:dns');
const attempts = [];
const refuse = (what) =>
  function () {
    attempts.push(what);
    throw new Error(`network disabled in this check: ${what}`);
  };
net.Socket.prototype.connect = refuse('net.Socket.connect');
dns.lookup = refuse('dns.lookup');
process.on('exit', () => {
  if (attempts.length === 0) return;
  process.stderr.write(`tried to use the network while loading: ${attempts.join(', ')}\n`);
  process.exitCode = 5;
});
