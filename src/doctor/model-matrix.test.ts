import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogMatrix } from './model-matrix.js';

test('each profile ID is listed once per cell, also where the region geography is global (ca-central-1)', () => {
  for (const row of catalogMatrix(['ca-central-1', 'us-east-1', 'ap-northeast-1']).models) {
    for (const cell of row.cells) assert.equal(new Set(cell.profileIds).size, cell.profileIds.length, `${row.key} in ${cell.region}: ${cell.profileIds.join(', ')}`);
  }
});
