import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayMetrics } from './metrics.js';

describe('metrics', () => {
  test('the exposition text has one sample per series and well-formed histogram buckets', () => {
    const metrics = new GatewayMetrics({ cpuSeconds: () => 1.5, residentBytes: () => 1000, heapUsedBytes: () => 500 });
    metrics.requestStarted();
    metrics.requestStarted();
    metrics.requestFinished('messages', 200, undefined);
    metrics.requestFinished('messages', 429, 'rate_limit_error');
    metrics.tokens(10, 3);
    metrics.upstreamLatency(12);
    metrics.upstreamLatency(700);
    const text = metrics.render();
    assert.match(text, /^cc_bedrock_gateway_requests_total\{route="messages",status="200"\} 1$/m);
    assert.match(text, /^cc_bedrock_gateway_requests_total\{route="messages",status="429"\} 1$/m);
    assert.match(text, /^cc_bedrock_gateway_errors_total\{class="rate_limit_error"\} 1$/m);
    assert.match(text, /^cc_bedrock_gateway_tokens_total\{direction="input"\} 10$/m);
    assert.match(text, /^cc_bedrock_gateway_upstream_latency_seconds_bucket\{le="0.025"\} 1$/m);
    assert.match(text, /^cc_bedrock_gateway_upstream_latency_seconds_bucket\{le="1"\} 2$/m);
    assert.match(text, /^cc_bedrock_gateway_upstream_latency_seconds_count 2$/m);
    assert.match(text, /^cc_bedrock_gateway_in_flight_requests 0$/m);
    assert.match(text, /^process_cpu_seconds_total 1.5$/m);
    assert.match(text, /^process_resident_memory_bytes 1000$/m);
    for (const line of text.trim().split('\n')) {
      assert.match(line, /^(# (HELP|TYPE) \S+ .+|[a-z_]+(\{[^}]*\})? [0-9.e+-]+)$/, line);
    }
  });
});
