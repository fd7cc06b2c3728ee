// Loads the golden fixtures captured from a real server (scripts/capture-fixtures.ts).
import { readFileSync } from 'node:fs';
import {
  type FixtureSession,
  type FixtureStep,
  fromFixtureJson,
} from '../../fixtures/protocol/fixture-format.js';

export type { FixtureSession, FixtureStep };

/** Loads test/fixtures/protocol/<name>.json. */
export function loadFixture(name: string): FixtureSession {
  const url = new URL(`../../fixtures/protocol/${name}.json`, import.meta.url);
  return fromFixtureJson<FixtureSession>(readFileSync(url, 'utf8'));
}

/** A hex frame without its 4-byte length prefix (asserting the prefix is right). */
export function bodyOf(hex: string): Buffer {
  const frame = Buffer.from(hex, 'hex');
  if (frame.readInt32BE(0) !== frame.length - 4)
    throw new Error(`bad length prefix in fixture ${hex.slice(0, 16)}`);
  return frame.subarray(4);
}

/** The step named `name` of a session. */
export function stepOf(session: FixtureSession, name: string): FixtureStep {
  const step = session.steps.find((s) => s.name === name);
  if (!step) throw new Error(`no fixture step ${name}`);
  return step;
}
