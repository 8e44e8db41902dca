/**
 * Whether a string is shaped like an AWS region name (`us-east-1`, `eu-central-2`,
 * `us-gov-west-1`, `ap-southeast-4`, `us-isob-east-1`). Claude Code treats anything else
 * (a slash, a dot, a space, an empty string) as unset and moves to the next source.
 */
export function isRegionShaped(value: string): boolean {
  return /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/.test(value);
}
