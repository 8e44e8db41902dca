import { isIP } from 'node:net';

/**
 * The one answer to "does a server bound here only take connections from this machine?", so
 * `serve` (which refuses a key-less non-loopback bind) and `emulate` (which warns) agree:
 * all of 127.0.0.0/8, `::1` bare or bracketed as in a URL, IPv4-mapped `::ffff:127.x.y.z`, and
 * `localhost` (any case, trailing dot allowed).
 */
export function isLoopbackHost(host: string): boolean {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === 'localhost') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
  if (mapped?.[1]) name = mapped[1];
  if (isIP(name) === 4) return name.split('.')[0] === '127';
  if (isIP(name) === 6) return name === '::1' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(name);
  return false;
}
