import type { StoreModel } from '../../core/store/store-model.ts';
import { type CameraPreviews, startCameraPreviews } from './camera-previews.ts';
import { type CameraSnapshotOptions, CameraSnapshots } from './camera-snapshots.ts';

export interface CameraFeedOptions {
  previews?: boolean;
  snapshots?: boolean | Omit<CameraSnapshotOptions, 'cameras'>;
  ffmpegPath?: string;
}

export interface CameraFeeds {
  /** Pass as startOperatorApi's `cameraPreviews`. */
  previewUrls: Record<string, string>;
  /** Pass as startOperatorApi's `snapshots`. */
  snapshots: CameraSnapshots | undefined;
  previews: CameraPreviews | undefined;
  close(): Promise<void>;
}

/**
 * Previews and evidence stills for every camera of the store file that has an `rtspUrl`: one
 * node-rtsp-stream (MPEG-1 for the dashboard) and one still-grabbing ffmpeg per camera.
 */
export async function startCameraFeeds(store: StoreModel, o: CameraFeedOptions = {}): Promise<CameraFeeds> {
  const cameras = store.config.cameras.flatMap((c) => (c.rtspUrl ? [{ id: c.id, rtspUrl: c.rtspUrl }] : []));
  const snapOpts = typeof o.snapshots === 'object' ? o.snapshots : {};
  const snapshots =
    o.snapshots === false || cameras.length === 0
      ? undefined
      : new CameraSnapshots({ ...snapOpts, cameras, ffmpegPath: o.ffmpegPath });
  let previews: CameraPreviews | undefined;
  try {
    previews =
      o.previews === false || cameras.length === 0
        ? undefined
        : await startCameraPreviews({ cameras, ffmpegPath: o.ffmpegPath });
  } catch (err) {
    await snapshots?.close();
    throw err;
  }
  return {
    previewUrls: previews?.urls ?? {},
    snapshots,
    previews,
    async close() {
      await Promise.all([previews?.close(), snapshots?.close()]);
    },
  };
}
