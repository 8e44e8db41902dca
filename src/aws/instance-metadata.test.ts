import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EnvLookup } from '../core/route-plan.js';
import { instanceMetadataEndpoint } from './instance-metadata.js';

const lookup = (values: Record<string, string>): EnvLookup => ({ get: (name) => (values[name] ? { value: values[name] ?? '', source: 'shell env' } : undefined) });

test('the endpoint mode is the table enum: IPv6 in any case picks the IPv6 address; anything else stays IPv4', () => {
  assert.equal(instanceMetadataEndpoint(lookup({})), 'http://169.254.169.254');
  assert.equal(instanceMetadataEndpoint(lookup({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' })), 'http://[fd00:ec2::254]');
  assert.equal(instanceMetadataEndpoint(lookup({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'ipv6' })), 'http://[fd00:ec2::254]');
  assert.equal(instanceMetadataEndpoint(lookup({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'v6' })), 'http://169.254.169.254');
  assert.equal(instanceMetadataEndpoint(lookup({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9/', AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' })), 'http://127.0.0.1:9');
});
