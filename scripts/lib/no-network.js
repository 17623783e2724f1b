// Preload for bundle checks (scripts/lib/bundles.ts): loading a cloud function must not touch the
// network, so any connection attempt throws.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload runs as plain CommonJS */
const net = require('node:net');
const dns = require('node:dns');
const refuse = (what) => () => {
  throw new Error(`network disabled in this check: ${what}`);
};
net.Socket.prototype.connect = refuse('net.Socket.connect');
dns.lookup = refuse('dns.lookup');
