import JSMpeg from '@cycjimmy/jsmpeg-player';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type CameraView } from './api.ts';

const fmtTime = (t: number) => new Date(t).toLocaleTimeString();

/** One live preview: JSMpeg decodes the MPEG-TS relayed by the edge on /ws/cameras/:id. */
function Preview(props: { cameraId: string; path: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [frames, setFrames] = useState(0);
  useEffect(() => {
    if (!canvas.current) return;
    let decoded = 0;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${props.path}`;
    const player = new JSMpeg.Player(url, {
      canvas: canvas.current,
      audio: false,
      // Canvas 2D: works on tablets without WebGL and keeps pixels readable (tests compare frames).
      disableGl: true,
      reconnectInterval: 2,
      onVideoDecode: () => {
        decoded++;
      },
    });
    // A counter for the page (and tests) without re-rendering per frame.
    const timer = setInterval(() => setFrames(decoded), 1000);
    return () => {
      clearInterval(timer);
      player.destroy();
    };
  }, [props.path]);
  return (
    <div class="preview">
      <canvas ref={canvas} data-testid={`preview-${props.cameraId}`} data-frames={frames} />
    </div>
  );
}

/** Store cameras: live preview where a stream runs, a clear "no preview" otherwise, and up/down status. */
export function CamerasPage(props: { tick: number }) {
  const [cams, setCams] = useState<CameraView[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<CameraView[]>('/api/cameras').then(setCams, (e: Error) => setError(e.message));
  }, [props.tick]);
  if (error) return <p class="error">{error}</p>;
  if (!cams) return <p>Loading…</p>;
  if (cams.length === 0) return <p class="muted">This store has no cameras configured.</p>;
  return (
    <ul class="cameras" data-testid="cameras">
      {cams.map((c) => {
        const status = c.status?.status ?? 'unknown';
        return (
          <li key={c.id} class="card camera" data-camera={c.id} data-status={status}>
            <div class="camera-head">
              <b>{c.id}</b>
              <span class={`badge status-${status}`} data-testid="camera-status">
                {status === 'unknown' ? 'no status yet' : status}
              </span>
              {c.status && <span class="muted">since {fmtTime(c.status.t)}</span>}
            </div>
            {c.preview ? (
              <Preview cameraId={c.id} path={c.preview} />
            ) : (
              <div class="preview none" data-testid="no-preview">
                No preview: this camera has no RTSP stream configured
              </div>
            )}
            {c.status?.detail && <p class="muted">{c.status.detail}</p>}
          </li>
        );
      })}
    </ul>
  );
}
