import type { EnvLookup, Sourced } from '../core/route-plan.js';
import type { ModelResolutionInput } from './resolve-model.js';

/**
 * An EnvLookup over a plain record for model-resolution tests: trimmed values, empty = unset,
 * every value labelled with `source` (default `shell env`).
 */
export function envLookupFrom(record: Readonly<Record<string, string | undefined>>, source = 'shell env'): EnvLookup {
  return {
    get(name: string): Sourced<string> | undefined {
      const raw = record[name];
      if (raw === undefined) return undefined;
      const value = raw.trim();
      return value === '' ? undefined : { value, source };
    },
  };
}

export type TestInput = Partial<Omit<ModelResolutionInput, 'env' | 'region'>> & {
  env?: Readonly<Record<string, string | undefined>>;
  region?: string;
};

/** A Bedrock-only input in us-east-1 with nothing configured, overridden by `overrides`. */
export function modelInput(overrides: TestInput = {}): ModelResolutionInput {
  const { env, region, ...rest } = overrides;
  return {
    modelOverrides: {},
    providers: { bedrock: true, mantle: false },
    mantleBaseUrlOverridden: false,
    ...rest,
    env: envLookupFrom(env ?? {}),
    region: { value: region ?? 'us-east-1', source: 'AWS_REGION from shell env' },
  };
}
