// The server's own view types: the operator API's JSON is built from them, so the dashboard cannot drift
// from it. Type-only, so the bundle never pulls in server code.
import type { CameraStatusView } from '../../live-state-types.ts';

export type { EventView, InventoryView, SessionView } from '../../live-state-types.ts';

export async function api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const res = await fetch(path, {
    method: init?.method ?? 'GET',
    headers: init?.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  const json = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ApiError(res.status, json.error ?? res.statusText);
  return json;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Me {
  username: string;
  role: 'viewer' | 'reviewer';
}
export interface Rect {
  min: [number, number];
  max: [number, number];
}
export interface StoreInfo {
  id: string;
  name: string;
  currency: string;
  floor: { width: number; depth: number };
  zones: Array<{ id: string; kind: string; area: Rect }>;
  obstacles: Array<{ id: string; area: Rect }>;
  gondolas: Array<{
    id: string;
    name: string;
    footprint: Rect;
    plates: Array<{ id: string; box: { min: number[]; max: number[] } }>;
  }>;
  products: Array<{ sku: string; name: string; priceMinor: number }>;
  cameras: Array<{ id: string; preview: string | null }>;
}
export interface SnapshotRef {
  cameraId: string;
  t: number;
  url: string;
}
export interface CameraView {
  id: string;
  resolution: [number, number];
  /** Path of the authenticated preview WebSocket, or null when no stream runs. */
  preview: string | null;
  snapshots: boolean;
  status: CameraStatusView | null;
}
export interface AlertView {
  id: number;
  t: number;
  kind: string;
  severity: string;
  message: string;
  ref?: string;
}
export interface AuditRow {
  id: number;
  at: number;
  operator: string;
  action: string;
  sessionId: string;
  reason: string;
  detail: string;
}
