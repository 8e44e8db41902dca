/**
 * Counters behind `/metrics`, in the Prometheus text exposition format (version 0.0.4). Written
 * by hand because it is a page of code and no metrics library is a dependency. Every label
 * value comes from a fixed set chosen by the gateway (route names, status codes, error
 * classes), never from client input, so a hostile client cannot grow the series without bound.
 */

export type RouteName =
  | 'messages'
  | 'count_tokens'
  | 'models'
  | 'invoke'
  | 'invoke_stream'
  | 'bedrock_count_tokens'
  | 'inference_profiles'
  | 'healthz'
  | 'metrics'
  | 'unknown';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

class Counter {
  readonly #values = new Map<string, number>();
  inc(labels: string, by = 1): void {
    this.#values.set(labels, (this.#values.get(labels) ?? 0) + by);
  }
  entries(): [string, number][] {
    return [...this.#values.entries()].sort(([a], [b]) => a.localeCompare(b));
  }
}

class Histogram {
  readonly #counts = LATENCY_BUCKETS.map(() => 0);
  #sum = 0;
  #count = 0;
  observe(seconds: number): void {
    for (let i = 0; i < LATENCY_BUCKETS.length; i += 1) if (seconds <= LATENCY_BUCKETS[i]!) this.#counts[i]! += 1;
    this.#sum += seconds;
    this.#count += 1;
  }
  lines(name: string): string[] {
    const out = LATENCY_BUCKETS.map((bound, i) => `${name}_bucket{le="${bound}"} ${this.#counts[i]}`);
    out.push(`${name}_bucket{le="+Inf"} ${this.#count}`, `${name}_sum ${this.#sum}`, `${name}_count ${this.#count}`);
    return out;
  }
}

/** CPU and memory of the serving process: the cost per request that load balancers and benches read. */
export interface ProcessStats {
  cpuSeconds(): number;
  residentBytes(): number;
  heapUsedBytes(): number;
}

export const nodeProcessStats: ProcessStats = {
  cpuSeconds: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  },
  residentBytes: () => process.memoryUsage.rss(),
  heapUsedBytes: () => process.memoryUsage().heapUsed,
};

export class GatewayMetrics {
  readonly #requests = new Counter();
  readonly #errors = new Counter();
  readonly #tokens = new Counter();
  readonly #retries = new Counter();
  readonly #betas = new Counter();
  readonly #upstreamLatency = new Histogram();
  #inFlight = 0;
  /** Label strings per route and status, made once (a counter lookup per request, not a string). */
  readonly #labels = new Map<RouteName, Map<number, string>>();

  #requestLabels(route: RouteName, status: number): string {
    let byStatus = this.#labels.get(route);
    if (!byStatus) this.#labels.set(route, (byStatus = new Map()));
    let label = byStatus.get(status);
    if (label === undefined) byStatus.set(status, (label = `route="${route}",status="${status}"`));
    return label;
  }

  /** Request-body bytes held right now, when the gateway keeps a budget (BodyBudget). */
  bodyBudget: { readonly used: number } | undefined;

  constructor(private readonly stats: ProcessStats = nodeProcessStats) {}

  requestStarted(): void {
    this.#inFlight += 1;
  }

  requestFinished(route: RouteName, status: number, errorClass: string | undefined): void {
    this.#inFlight -= 1;
    this.#requests.inc(this.#requestLabels(route, status));
    if (errorClass) this.#errors.inc(`class="${errorClass}"`);
  }

  tokens(input: number | undefined, output: number | undefined): void {
    if (input) this.#tokens.inc('direction="input"', input);
    if (output) this.#tokens.inc('direction="output"', output);
  }

  upstreamLatency(ms: number): void {
    this.#upstreamLatency.observe(ms / 1000);
  }

  retry(code: string): void {
    this.#retries.inc(`code="${code}"`);
  }

  betas(action: 'dropped' | 'renamed', count: number): void {
    if (count > 0) this.#betas.inc(`action="${action}"`, count);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The exposition text for `GET /metrics`. */
  render(): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, counter: Counter) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of counter.entries()) lines.push(`${name}{${labels}} ${value}`);
    };
    counter('cc_bedrock_gateway_requests_total', 'Requests answered, by route and HTTP status.', this.#requests);
    counter('cc_bedrock_gateway_errors_total', 'Failed requests, by Anthropic error class.', this.#errors);
    counter('cc_bedrock_gateway_tokens_total', 'Tokens reported by Bedrock, by direction.', this.#tokens);
    counter('cc_bedrock_gateway_upstream_retries_total', 'Upstream attempts that failed and were retried, by error code.', this.#retries);
    counter('cc_bedrock_gateway_beta_flags_total', 'anthropic-beta values the beta policy dropped or renamed.', this.#betas);
    lines.push(
      '# HELP cc_bedrock_gateway_upstream_latency_seconds Time from sending to Bedrock until its response headers.',
      '# TYPE cc_bedrock_gateway_upstream_latency_seconds histogram',
      ...this.#upstreamLatency.lines('cc_bedrock_gateway_upstream_latency_seconds'),
      '# HELP cc_bedrock_gateway_in_flight_requests Requests (including open streams) being served.',
      '# TYPE cc_bedrock_gateway_in_flight_requests gauge',
      `cc_bedrock_gateway_in_flight_requests ${this.#inFlight}`,
      '# HELP cc_bedrock_gateway_request_body_bytes Request-body bytes held in memory right now, against the body budget.',
      '# TYPE cc_bedrock_gateway_request_body_bytes gauge',
      `cc_bedrock_gateway_request_body_bytes ${this.bodyBudget?.used ?? 0}`,
      '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${this.stats.cpuSeconds()}`,
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${this.stats.residentBytes()}`,
      '# HELP nodejs_heap_used_bytes V8 heap in use, in bytes.',
      '# TYPE nodejs_heap_used_bytes gauge',
      `nodejs_heap_used_bytes ${this.stats.heapUsedBytes()}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
