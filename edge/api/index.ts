import { OperatorDb, type Role } from './operator-db.ts';

export { type CameraFeeds, startCameraFeeds } from './camera-feeds.ts';
export { type CameraPreviews, startCameraPreviews } from './camera-previews.ts';
export { CameraSnapshots, type SnapshotSource } from './camera-snapshots.ts';
export type { RetentionOptions } from './live-state.ts';
export { AuthError, OperatorDb, type Role } from './operator-db.ts';
/**
 * Operator dashboard of the edge: `startOperatorApi` serves the web app, a REST API and a WebSocket
 * feed of the bus; operators (viewer/reviewer) live in the same SQLite file as the audit log.
 */
export {
  applyReview,
  type OperatorApi,
  type OperatorApiOptions,
  startOperatorApi,
} from './operator-server.ts';
export { ensureWebBuilt } from './web-build.ts';

export const DEMO_OPERATORS = [
  { username: 'reviewer', password: 'walkout-demo', role: 'reviewer' },
  { username: 'viewer', password: 'walkout-view', role: 'viewer' },
] as const satisfies ReadonlyArray<{ username: string; password: string; role: Role }>;

/** Creates (or resets) operators in the dashboard database; `walkout demo` passes DEMO_OPERATORS. */
export function createOperators(
  dbPath: string,
  users: ReadonlyArray<{ username: string; password: string; role: Role }>,
): void {
  const db = new OperatorDb(dbPath);
  try {
    for (const u of users) db.upsertOperator(u.username, u.password, u.role);
  } finally {
    db.close();
  }
}
