/**
 * The part of doctor's fact gathering that talks to AWS: credential resolution, STS, control-plane
 * calls and 1-token probes. Loaded only when doctor runs online, so `--offline` never pays for the
 * client and the AWS SDK.
 */
import { getCallerIdentity } from '../aws/caller-identity.js';
import { listSystemInferenceProfiles } from '../client/inference-profiles.js';
import { CallRunner } from '../client/runner.js';
import { defaultSleep } from '../bedrock/retry-policy.js';
import { SdkClientPool } from '../client/transport.js';
import type { Clock } from '../core/clock.js';
import { maskKeyId } from '../core/redact.js';
import { MODEL_CATALOG, parseBedrockArn } from '../models/model-catalog.js';
import type { RoutePlan } from '../core/route-plan.js';
import type { ConfigurationSnapshot, Selection } from '../routing/resolve-configuration.js';
import type { AccessFacts, CredentialGroup, EndpointCredentialFacts, GatherFactsOptions, ProbeFact, ResolvedCredentialFact } from './facts.js';
import { PROBE_TIMEOUT_MS, createProbeAuth, createProbeClient, probe } from './probes.js';
import { attempt, attemptAsync, type Attempt } from './types.js';

const STS_TIMEOUT_MS = 10_000;

function selectionIsPinned(selection: Selection): boolean {
  return selection.kind !== 'tier' || selection.configured !== undefined;
}

async function gatherAccess(
  snapshot: ConfigurationSnapshot,
  plan: RoutePlan,
  auth: ReturnType<typeof createProbeAuth>,
  options: GatherFactsOptions,
  clock: Clock,
): Promise<AccessFacts> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const { envLookup } = snapshot;

  let listProfiles: AccessFacts['listProfiles'];
  let discoveredProfileIds: string[] | undefined;
  if (plan.providers.bedrock) {
    const runner = new CallRunner({
      pool: new SdkClientPool({ fetch: fetchFn, timeoutMs: PROBE_TIMEOUT_MS }),
      auth,
      clock,
      sleep: defaultSleep,
      random: Math.random,
      logger: { debug() {}, warn() {} },
      maxRetries: 0,
    });
    listProfiles = await attemptAsync(async () => {
      const { profiles } = await listSystemInferenceProfiles(runner, {
        region: plan.region.value,
        baseURL: plan.endpoints.controlPlane.value,
        maxRetries: 0,
      });
      discoveredProfileIds = profiles.map((profile) => profile.inferenceProfileId);
      return { count: profiles.length };
    });
  }

  const client = createProbeClient({ plan, auth, env: envLookup, fetch: fetchFn, discoveredProfileIds });
  const probes = new Map<string, { fact: Omit<ProbeFact, 'result'>; name: string }>();
  for (const selection of snapshot.selections) {
    if (!selection.resolved || selection.kind === 'allowlist') continue;
    // The name a session would resolve: the alias for tiers, the configured key for overrides.
    const name = selection.kind === 'tier' || selection.kind === 'override' ? selection.name : selection.resolved.requested;
    const target = attempt(() => client.resolveTarget(name));
    if (!target.ok) continue;
    const key = `${target.value.endpoint}\u0000${target.value.region}\u0000${target.value.modelId}`;
    const entry = { id: selection.id, kind: selection.kind, label: selection.label, pinned: selectionIsPinned(selection) };
    const existing = probes.get(key);
    if (existing) {
      (existing.fact.selections as Array<typeof entry>).push(entry);
      continue;
    }
    probes.set(key, {
      name,
      fact: {
        selections: [entry],
        modelId: target.value.modelId,
        endpoint: target.value.endpoint,
        region: target.value.region,
        serviceTier: target.value.endpoint === 'bedrock' ? plan.serviceTier?.value : undefined,
      },
    });
  }

  const aipArns = new Set<string>();
  for (const selection of snapshot.selections) {
    const id = selection.resolved?.wireModelId;
    if (id && selection.resolved?.endpoint === 'bedrock' && parseBedrockArn(id)?.resourceType === 'application-inference-profile') aipArns.add(id);
  }

  const lineup = plan.providers.mantle ? MODEL_CATALOG.filter((model) => model.mantle?.served) : [];
  const [probeResults, applicationProfiles, mantleLineup] = await Promise.all([
    Promise.all([...probes.values()].map(async ({ fact, name }) => ({ ...fact, result: await probe(client, name) }))),
    Promise.all(
      [...aipArns].map(async (arn) => ({
        arn,
        result: await attemptAsync(async () => {
          const profile = await client.inferenceProfile(arn);
          return { backingModelId: profile.backingModelId, modelArns: profile.modelArns };
        }),
      })),
    ),
    Promise.all(
      lineup.map(async (model) => ({ mantleId: model.mantle!.id, displayName: model.displayName, result: await probe(client, model.mantle!.id) })),
    ),
  ]);

  let withoutTier: AccessFacts['withoutTier'];
  const mainProbe = probeResults.find((entry) => entry.selections.some((s) => s.id === 'main'));
  if (plan.serviceTier && mainProbe && !mainProbe.result.ok && mainProbe.endpoint === 'bedrock') {
    const plain = createProbeClient({ plan: { ...plan, serviceTier: undefined }, auth, env: envLookup, fetch: fetchFn, discoveredProfileIds });
    const mainName = probes.get(`${mainProbe.endpoint}\u0000${mainProbe.region}\u0000${mainProbe.modelId}`)?.name ?? mainProbe.modelId;
    withoutTier = { modelId: mainProbe.modelId, result: await probe(plain, mainName) };
  }

  return {
    skipped: undefined,
    probes: probeResults,
    withoutTier,
    listProfiles,
    applicationProfiles,
    mantleLineup: plan.providers.mantle ? mantleLineup : undefined,
  };
}


const noAccess = (skipped: string): AccessFacts => ({
  skipped,
  probes: [],
  withoutTier: undefined,
  listProfiles: undefined,
  applicationProfiles: [],
  mantleLineup: undefined,
});

export interface OnlineFacts {
  readonly perEndpoint: EndpointCredentialFacts[];
  readonly access: AccessFacts;
  readonly credentialWarnings: string[];
}

/** Resolves credentials (never running awsAuthRefresh), asks STS who they are, then probes. */
export async function gatherOnlineFacts(
  snapshot: ConfigurationSnapshot,
  groups: readonly CredentialGroup[],
  options: GatherFactsOptions,
  clock: Clock,
): Promise<OnlineFacts> {
  // Probes need real credential plans, not the stand-ins the plan shows for ones that failed.
  const credentialsOk = snapshot.credentials.bedrock.ok && snapshot.credentials.mantle.ok;
  const plan = credentialsOk ? snapshot.plan : undefined;
  const credentialWarnings: string[] = [];
  if (!plan) {
    return {
      perEndpoint: groups.map((group) => ({ endpoints: group.endpoints, plan: group.plan, resolved: undefined, identity: undefined })),
      access: noAccess('the configuration does not resolve to a model and credentials plan'),
      credentialWarnings,
    };
  }
  const auth = createProbeAuth({
    plan,
    env: snapshot.envLookup,
    subprocessEnv: snapshot.effectiveEnv,
    homeDir: options.homeDir,
    stderr: options.stderr,
    fetch: options.fetch,
    allowAuthRefresh: false,
    warn: (message) => credentialWarnings.push(message),
  });
  const perEndpoint = await Promise.all(
    groups.map(async (group): Promise<EndpointCredentialFacts> => {
      const provider = auth[group.endpoints[0]!];
      const resolvedAuth = await attemptAsync(() => provider.getAuth());
      const resolved: Attempt<ResolvedCredentialFact> = resolvedAuth.ok
        ? {
            ok: true,
            value:
              resolvedAuth.value.kind === 'sigv4'
                ? {
                    kind: 'sigv4',
                    keyId: maskKeyId(resolvedAuth.value.credentials.accessKeyId),
                    hasSessionToken: resolvedAuth.value.credentials.sessionToken !== undefined,
                    expiresAt: resolvedAuth.value.credentials.expiration?.getTime(),
                  }
                : { kind: resolvedAuth.value.kind, keyId: undefined, hasSessionToken: false, expiresAt: undefined },
          }
        : resolvedAuth;
      const identity =
        resolvedAuth.ok && resolvedAuth.value.kind === 'sigv4'
          ? await attemptAsync(() =>
              getCallerIdentity(resolvedAuth.value, {
                env: snapshot.envLookup,
                region: plan.region.value,
                timeoutMs: STS_TIMEOUT_MS,
                ...(options.fetch ? { fetch: options.fetch } : {}),
              }),
            )
          : undefined;
      return { endpoints: group.endpoints, plan: group.plan, resolved, identity };
    }),
  );
  const failed = perEndpoint.find((entry) => entry.resolved && !entry.resolved.ok);
  const access =
    failed?.resolved && !failed.resolved.ok
      ? noAccess(`credentials could not be resolved (${failed.resolved.error.message})`)
      : await gatherAccess(snapshot, plan, auth, options, clock);
  return { perEndpoint, access, credentialWarnings: [...new Set(credentialWarnings)] };
}
