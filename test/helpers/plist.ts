import { parse } from 'plist';

/**
 * Parses an XML property list with the `plist` package: a parser independent of the code that
 * writes the configuration profile (`setup --managed`), for round-trip tests.
 */
export function parsePlistXml(xml: string): Record<string, unknown> {
  return parse(xml) as Record<string, unknown>;
}
