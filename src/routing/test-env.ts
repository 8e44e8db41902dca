import type { EnvLookup, Sourced } from '../core/route-plan.js';

/**
 * An EnvLookup over a plain record, every value labelled `shell env`. For unit tests of pure
 * resolvers; the real lookup (settings env over process env) is in src/settings.
 */
export function envFromRecord(record: Readonly<Record<string, string | undefined>>, source = 'shell env'): EnvLookup {
  return {
    get(name: string): Sourced<string> | undefined {
      const raw = record[name];
      if (raw === undefined) return undefined;
      const value = raw.trim();
      return value === '' ? undefined : { value, source };
    },
  };
}
