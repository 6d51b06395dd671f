import { parentPort, workerData } from 'node:worker_threads';
import { createPoseBackend, type RgbFrame, type VisionConfigInput } from '../../edge/vision/index.ts';
import type { ThreadReply, ThreadRequest } from './threaded-backend.ts';

// Runs the pose model off the main thread; frames arrive in a SharedArrayBuffer, one at a time.
const port = parentPort;
if (!port) throw new Error('pose-thread must run in a worker thread');
const { config, shared } = workerData as { config: VisionConfigInput; shared: SharedArrayBuffer };
const backend = await createPoseBackend(config);
let view = new Uint8Array(shared, 0, 0);
port.on('message', (req: ThreadRequest) => {
  if (req.type === 'close') {
    void backend.dispose().finally(() => port.close());
    return;
  }
  const bytes = req.width * req.height * 3;
  if (view.length !== bytes) view = new Uint8Array(shared, 0, bytes);
  const frame: RgbFrame = { width: req.width, height: req.height, data: view };
  backend.detect(frame).then(
    (persons) => port.postMessage({ id: req.id, persons } satisfies ThreadReply),
    (err: unknown) =>
      port.postMessage({ id: req.id, error: String((err as Error).message ?? err) } satisfies ThreadReply),
  );
});
port.postMessage({ id: 0, ready: backend.name } satisfies ThreadReply);
