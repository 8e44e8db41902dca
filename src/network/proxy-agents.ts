/**
 * node:http(s) agents through the proxy of resolveProxy, for code that writes requests itself
 * (the gateway's upstream transport): https-proxy-agent opens a CONNECT tunnel for https targets,
 * http-proxy-agent sends absolute-form requests for http targets; both send the URL's Basic login
 * as `Proxy-Authorization`. One keep-alive agent per proxy and scheme for the whole process.
 */
import type { Agent as HttpAgent } from 'node:http';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { bypassesProxy, type ProxyConfig } from './proxy.js';

const nodeAgents = new Map<string, HttpAgent>();

/** The agent for `url` through the proxy, or undefined when there is no proxy or NO_PROXY exempts the host. */
export function nodeAgentFor(url: URL, config: ProxyConfig | undefined): HttpAgent | undefined {
  if (!config || (url.protocol !== 'http:' && url.protocol !== 'https:') || bypassesProxy(url, config)) return undefined;
  const key = `${url.protocol} ${config.cacheKey}`;
  let agent = nodeAgents.get(key);
  if (!agent) {
    // The login goes in as a header, not in the URL: both agents print their URL under DEBUG.
    const authorization = config.authorization;
    const options = { keepAlive: true, headers: authorization ? { 'Proxy-Authorization': authorization } : {} };
    agent = url.protocol === 'https:' ? new HttpsProxyAgent(config.endpoint, options) : new HttpProxyAgent(config.endpoint, options);
    nodeAgents.set(key, agent);
  }
  return agent;
}

/** nodeAgentFor bound to one proxy: the shape the gateway's `agentFor` option takes. */
export function nodeAgentResolver(config: ProxyConfig | undefined): ((url: URL) => HttpAgent | undefined) | undefined {
  return config ? (url) => nodeAgentFor(url, config) : undefined;
}
