import type { DoctorReport } from '../doctor/report.js';
import type { ErrorFact } from '../core/attempt.js';
import type { PlanPart } from '../routing/resolve-configuration.js';
import { displayCommand } from '../core/redact.js';
import type { ProxyInspection } from '../network/proxy.js';
import { displayHeaderValue } from '../routing/headers.js';
import type { CredentialPlan, ResolvedModel, RoutePlan, RouteWarning } from '../core/route-plan.js';

/** One settings file as status shows it; a subset of what src/settings reports. */
export interface SettingsFileSummary {
  readonly scope: string;
  readonly label: string;
  readonly exists: boolean;
  readonly unknownKeys: readonly string[];
  /** Managed sources only: whether its keys apply (spec §3.2: the first managed source with keys wins). */
  readonly managedRole?: string | undefined;
}

export interface StatusReport {
  readonly plan: RoutePlan;
  readonly settingsFiles: readonly SettingsFileSummary[];
  /** HTTPS_PROXY and friends as resolved (inspectProxy); omitted, the proxy line is left out. */
  readonly proxy?: ProxyInspection;
  /** Parts of the plan that did not resolve (the plan shows stand-ins for them). */
  readonly problems?: ReadonlyArray<{ readonly part: PlanPart; readonly error: ErrorFact }>;
  /**
   * The warn and fail findings of `doctor --offline` on the same resolution. Given, they are the
   * Warnings section (so "none" means doctor --offline is clean); omitted (chat's /status), the
   * plan's own warnings are.
   */
  readonly findings?: DoctorReport['checks'];
}

function errorJson(error: ErrorFact): Record<string, unknown> {
  return { code: error.code, message: error.message, ...(error.remediation ? { remediation: error.remediation } : {}) };
}

/** Version of the `status --json` schema; bump on any incompatible change (docs/status-json.md). */
export const STATUS_SCHEMA_VERSION = 1;

interface HeaderRow {
  name: string;
  value: string;
  endpoints: Array<'bedrock' | 'mantle'>;
  kind: string;
  source: string;
}

function headerRows(plan: RoutePlan): HeaderRow[] {
  const rows: HeaderRow[] = [];
  const active: Array<'bedrock' | 'mantle'> = [];
  if (plan.providers.bedrock) active.push('bedrock');
  if (plan.providers.mantle) active.push('mantle');
  if (plan.serviceTier && plan.providers.bedrock) {
    rows.push({
      name: 'X-Amzn-Bedrock-Service-Tier',
      value: plan.serviceTier.value,
      endpoints: ['bedrock'],
      kind: 'service-tier',
      source: plan.serviceTier.source,
    });
  }
  for (const header of plan.customHeaders) {
    rows.push({
      name: header.name,
      value: displayHeaderValue(header),
      endpoints: active,
      kind: header.role,
      source: 'ANTHROPIC_CUSTOM_HEADERS',
    });
  }
  return rows;
}

function modelJson(model: ResolvedModel): Record<string, unknown> {
  return {
    requested: model.requested,
    wireModelId: model.wireModelId,
    endpoint: model.endpoint,
    region: model.region,
    rule: model.rule,
    catalogKey: model.catalogKey ?? null,
    betas: model.betas,
    discoverable: model.discoverable,
  };
}

function credentialJson(plan: CredentialPlan): Record<string, unknown> {
  return {
    kind: plan.kind,
    source: plan.source,
    detail: plan.detail,
    profile: plan.profile ?? null,
    awsAuthRefresh: plan.authRefresh ? { ...plan.authRefresh, value: displayCommand(plan.authRefresh.value) } : null,
    awsCredentialExport: plan.credentialExport
      ? { ...plan.credentialExport, value: displayCommand(plan.credentialExport.value) }
      : null,
  };
}

/** `null` when requests go direct; the redacted proxy, or why it is unusable, otherwise. */
function proxyJson(inspection: ProxyInspection): Record<string, unknown> | null {
  if (!inspection.ok) return { valid: false, variable: inspection.variable, source: inspection.source, error: inspection.error.toJSON() };
  if (!inspection.proxy) return null;
  return { valid: true, ...inspection.proxy.summary() };
}

function proxyLines(inspection: ProxyInspection): string[] {
  if (!inspection.ok) {
    const lines = [`${pad('Proxy')}invalid: ${inspection.error.message}`];
    if (inspection.error.remediation) lines.push(`${pad('')}fix: ${inspection.error.remediation}`);
    return lines;
  }
  const proxy = inspection.proxy;
  if (!proxy) return [`${pad('Proxy')}none (direct connections)`];
  const lines = [`${pad('Proxy')}${proxy.display}  (${proxy.variable}, ${proxy.source})`];
  const noProxy = proxy.noProxy;
  if (noProxy) {
    const hosts = noProxy.all ? 'every host (*): the proxy is never used' : noProxy.entries.length ? noProxy.entries.map((entry) => entry.text).join(', ') : '(no usable entries)';
    lines.push(`${pad('')}direct for ${hosts}  (${noProxy.variable}, ${noProxy.source})`);
  }
  return lines;
}

/** The stable JSON document printed by `status --json`. */
export function statusJson(report: StatusReport): Record<string, unknown> {
  const { plan } = report;
  const problems = report.problems ?? [];
  return {
    schemaVersion: STATUS_SCHEMA_VERSION,
    ok: problems.length === 0,
    ...(problems[0] ? { error: errorJson(problems[0].error) } : {}),
    problems: problems.map((problem) => ({ part: problem.part, ...errorJson(problem.error) })),
    provider: plan.providers,
    region: plan.region,
    credentials: {
      bedrock: plan.providers.bedrock ? credentialJson(plan.credentials.bedrock) : null,
      mantle: plan.providers.mantle ? credentialJson(plan.credentials.mantle) : null,
    },
    models: { main: modelJson(plan.models.main), smallFast: modelJson(plan.models.smallFast) },
    endpoints: {
      invoke: plan.providers.bedrock ? plan.endpoints.invoke : null,
      controlPlane: plan.providers.bedrock ? plan.endpoints.controlPlane : null,
      mantle: plan.providers.mantle ? plan.endpoints.mantle : null,
    },
    headers: headerRows(plan),
    ...(report.proxy ? { proxy: proxyJson(report.proxy) } : {}),
    availableModels: plan.availableModels ?? null,
    modelOverrides: plan.modelOverrides,
    settingsFiles: report.settingsFiles,
    warnings: plan.warnings,
    ...(report.findings ? { findings: report.findings } : {}),
  };
}

/** When not even the built-in default resolves: no plan, only why. */
export function statusErrorJson(error: ErrorFact | undefined): Record<string, unknown> {
  return { schemaVersion: STATUS_SCHEMA_VERSION, ok: false, error: error ? errorJson(error) : { code: 'INTERNAL', message: 'the configuration does not resolve' } };
}

const KIND_LABEL: Record<CredentialPlan['kind'], string> = {
  'skip-auth': 'AWS auth skipped (requests are not signed)',
  'bearer-token': 'Bedrock API key (Authorization: Bearer)',
  'credential-export': 'awsCredentialExport command',
  'env-keys': 'AWS access keys from the environment',
  'profile-sso': 'AWS profile with IAM Identity Center (SSO)',
  'profile-process': 'AWS profile with credential_process',
  'profile-assume-role': 'AWS profile assuming a role',
  'profile-static': 'AWS profile with static keys',
  'profile-login': 'AWS profile with console login credentials',
  'web-identity': 'web identity token (OIDC)',
  container: 'container credentials endpoint',
  'instance-metadata': 'EC2 instance metadata',
  'default-chain': 'AWS default credential chain',
};

function pad(label: string, width = 15): string {
  return label.padEnd(width);
}

function credentialLines(label: string, plan: CredentialPlan): string[] {
  const lines = [`${pad(label)}${KIND_LABEL[plan.kind]}${plan.detail ? ` — ${plan.detail}` : ''}`, `${pad('')}from ${plan.source}`];
  if (plan.credentialExport) lines.push(`${pad('')}awsCredentialExport: ${displayCommand(plan.credentialExport.value)} (${plan.credentialExport.source})`);
  if (plan.authRefresh) lines.push(`${pad('')}awsAuthRefresh: ${displayCommand(plan.authRefresh.value)} (${plan.authRefresh.source})`);
  return lines;
}

function modelLines(label: string, model: ResolvedModel): string[] {
  const endpoint = model.endpoint === 'mantle' ? 'Mantle' : 'Invoke API';
  const lines = [`  ${pad(label, 13)}${model.wireModelId}`];
  lines.push(`  ${pad('', 13)}→ ${endpoint} in ${model.region.value}${model.betas.length ? `, betas ${model.betas.join(', ')}` : ''}`);
  lines.push(`  ${pad('', 13)}chosen by ${model.rule}`);
  if (model.requested !== model.wireModelId) lines.push(`  ${pad('', 13)}requested as ${model.requested}`);
  return lines;
}

function warningLines(report: StatusReport): string[] {
  const entries = report.findings
    ? report.findings.map((finding) => ({ mark: finding.status === 'fail' ? '✗' : '!', message: `${finding.title}: ${finding.detail}`, fix: finding.fix ?? undefined }))
    : report.plan.warnings.map((warning: RouteWarning) => ({ mark: '!', message: warning.message, fix: warning.fix }));
  const source = report.findings ? ' (doctor --offline)' : '';
  if (entries.length === 0) return [`Warnings       none${source}`];
  const lines = [`Warnings${source}`];
  for (const entry of entries) {
    lines.push(`  ${entry.mark} ${entry.message}`);
    if (entry.fix) lines.push(`    fix: ${entry.fix}`);
  }
  return lines;
}

/** Marks a part that did not resolve, under the stand-in the plan shows for it. */
function problemLines(report: StatusReport, part: PlanPart, indent = '  '): string[] {
  return (report.problems ?? [])
    .filter((problem) => problem.part === part)
    .flatMap((problem) => [
      `${indent}✗ NOT RESOLVED: ${problem.error.message}`,
      ...(problem.error.remediation ? [`${indent}  fix: ${problem.error.remediation}`] : []),
    ]);
}

/** Human-readable status: every resolved value with the rule or source that produced it. */
export function renderStatusText(report: StatusReport): string {
  const { plan } = report;
  const lines: string[] = [];
  const problems = report.problems ?? [];
  if (problems.length) {
    lines.push(`${pad('Status')}does not resolve: ${problems.length} part${problems.length === 1 ? '' : 's'} marked ✗ below (stand-ins shown)`);
    lines.push(...problemLines(report, 'settings'));
  }
  lines.push(`${pad('Provider')}${plan.providers.label}`);
  lines.push(`${pad('')}from ${plan.providers.source}`);
  lines.push(...problemLines(report, 'provider'));
  lines.push(`${pad('Region')}${plan.region.value}`);
  lines.push(`${pad('')}from ${plan.region.source}`);
  if (plan.providers.bedrock) {
    lines.push(...credentialLines(plan.providers.mantle ? 'Auth (Invoke)' : 'Auth', plan.credentials.bedrock), ...problemLines(report, 'credentials.bedrock'));
  }
  if (plan.providers.mantle) {
    lines.push(...credentialLines(plan.providers.bedrock ? 'Auth (Mantle)' : 'Auth', plan.credentials.mantle), ...problemLines(report, 'credentials.mantle'));
  }
  lines.push('Models');
  lines.push(...modelLines('main', plan.models.main), ...problemLines(report, 'models.main', '    '));
  lines.push(...modelLines('small/fast', plan.models.smallFast), ...problemLines(report, 'models.smallFast', '    '));
  if (plan.availableModels) {
    lines.push(`${pad('Allowed models')}${plan.availableModels.value.length ? plan.availableModels.value.join(', ') : '(empty list: only the default)'}`);
    lines.push(`${pad('')}from ${plan.availableModels.source}`);
  }
  const overrides = Object.entries(plan.modelOverrides);
  if (overrides.length) {
    lines.push('Model overrides');
    for (const [from, to] of overrides) lines.push(`  ${from} → ${to}`);
  }
  lines.push('Endpoints');
  if (plan.providers.bedrock) {
    lines.push(`  ${pad('Invoke', 15)}${plan.endpoints.invoke.value}  (${plan.endpoints.invoke.source})`);
    lines.push(`  ${pad('Control plane', 15)}${plan.endpoints.controlPlane.value}  (${plan.endpoints.controlPlane.source})`);
  }
  if (plan.providers.mantle) lines.push(`  ${pad('Mantle', 15)}${plan.endpoints.mantle.value}  (${plan.endpoints.mantle.source})`);
  lines.push(...problemLines(report, 'endpoints'));
  if (report.proxy) lines.push(...proxyLines(report.proxy));
  const headers = headerRows(plan);
  if (headers.length) {
    lines.push('Headers');
    for (const h of headers) lines.push(`  ${h.name}: ${h.value}  (${h.kind}, to ${h.endpoints.join(' and ')}; ${h.source})`);
  } else {
    lines.push(`${pad('Headers')}none beyond authentication`);
  }
  lines.push(...problemLines(report, 'serviceTier'), ...problemLines(report, 'customHeaders'));
  lines.push('Settings files');
  for (const file of report.settingsFiles) {
    const unknown = file.unknownKeys.length ? `; keys cc-bedrock does not use: ${file.unknownKeys.join(', ')}` : '';
    const role = file.exists && file.managedRole ? ` (${file.managedRole})` : '';
    lines.push(`  ${pad(file.scope, 9)}${file.label}  ${file.exists ? 'loaded' : 'not found'}${role}${unknown}`);
  }
  lines.push(...warningLines(report));
  return `${lines.join('\n')}\n`;
}
