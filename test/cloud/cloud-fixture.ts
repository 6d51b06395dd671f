import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudConfig, type RunningCloud, startCloudServer } from '../../cloud/index.ts';
import type { Receipt } from '../../core/receipt.ts';
import { signedHeaders } from '../../core/signing.ts';
import { loadStore } from '../../core/store/load-store.ts';

export const STORE = loadStore('demo');
export const SECRET = 'test-store-secret';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'walkout-cloud-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startCloud(dbPath: string, cfg: Partial<CloudConfig> = {}): Promise<RunningCloud> {
  return startCloudServer(
    { port: 0, dbPath, retryIntervalMs: 200, ...cfg },
    [{ model: STORE, secret: SECRET }],
    { tokenSecret: 'test-token-secret' },
  );
}

/** A signed edge request, the way the outbox sends it. */
export async function edgePost(
  url: string,
  path: string,
  body: unknown,
  opts: { secret?: string; ts?: number; raw?: string } = {},
) {
  const raw = opts.raw ?? JSON.stringify(body);
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signedHeaders('demo', opts.secret ?? SECRET, 'POST', path, raw, opts.ts),
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export function receipt(
  sessionId: string,
  lines: Array<[string, number]>,
  status: 'charge' | 'review' = 'charge',
): Receipt {
  return {
    version: 1,
    storeId: 'demo',
    sessionId,
    token: 'opaque',
    enteredAt: 1,
    exitedAt: 2,
    finalisedAt: 3,
    status,
    confidence: status === 'charge' ? 0.99 : 0.5,
    reviewReasons: status === 'review' ? ['test'] : [],
    lines: lines.map(([sku, quantity]) => ({ sku, quantity, evidence: [] })),
  };
}

/** Creates an account, issues a token and records the entry for `sessionId`. */
export async function enter(
  cloud: RunningCloud,
  sessionId: string,
  pm = 'pm_card_visa',
  email = `${sessionId}@example.com`,
) {
  const acc = await cloud.service.createAccount(email, 'Test Shopper', pm);
  const { token } = cloud.service.issueEntryToken(acc.id, 'demo');
  const r = await edgePost(cloud.url, '/v1/stores/demo/entries', { sessionId, token, enteredAt: Date.now() });
  return { acc, token, entry: r };
}
