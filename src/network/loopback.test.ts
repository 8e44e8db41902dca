import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost } from './loopback.js';

test('loopback: all of 127.0.0.0/8, ::1 bare and bracketed, localhost', () => {
  for (const host of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '[::1]', 'localhost', 'LOCALHOST', 'localhost.', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
    assert.equal(isLoopbackHost(host), true, host);
  }
});

test('not loopback: any address, other hosts, look-alikes', () => {
  for (const host of ['0.0.0.0', '::', '[::]', '10.0.0.1', '128.0.0.1', '127.0.0.256', 'localhost.example.com', 'mylocalhost', '::2', '']) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});
