import { versionBefore } from '../check-helpers.js';
import { findingsFor, type Check } from '../types.js';

const PROFILE_REGION_SINCE = '2.1.172';

/**
 * Claude Code before v2.1.172 reads only AWS_REGION (spec §5.2): a region that comes from
 * AWS_DEFAULT_REGION, the AWS profile or the default is not the region it uses.
 */
export const regionClaudeCode: Check = {
  id: 'region.claude-code-profile-region',
  category: 'region',
  title: 'Installed Claude Code resolves the same region',
  run(facts) {
    const f = findingsFor(this);
    const claude = facts.claudeCode;
    if (claude.status === 'not-found') return [f.skip('Claude Code is not on PATH', 'no installed Claude Code to compare with')];
    if (!claude.version) return [f.skip('Claude Code version unknown', `\`claude --version\` gave no version (${claude.error ?? claude.output})`)];
    const region = facts.region.value;
    if (!versionBefore(claude.version, PROFILE_REGION_SINCE)) {
      return [f.ok(`Claude Code ${claude.version} resolves the region like cc-bedrock`, `v${PROFILE_REGION_SINCE}+ reads AWS_REGION, AWS_DEFAULT_REGION, then the profile region: ${region.value}`)];
    }
    const awsRegion = facts.region.awsRegionVariable;
    if (awsRegion) {
      return [f.ok(`Claude Code ${claude.version} uses AWS_REGION`, `AWS_REGION=${awsRegion.value} (${awsRegion.source}) is set, which this older Claude Code reads`)];
    }
    return [
      f.fail(
        `Claude Code ${claude.version} ignores the profile region`,
        `${claude.path} is v${claude.version}, older than v${PROFILE_REGION_SINCE}: it reads only AWS_REGION and never ~/.aws/config, so the region ${region.value} from ${region.source} does not reach it and its Bedrock requests fail`,
        `export AWS_REGION=${region.value} (or add "AWS_REGION": "${region.value}" to the env block of ~/.claude/settings.json), or update Claude Code to v${PROFILE_REGION_SINCE}+ with \`claude update\``,
      ),
    ];
  },
};
