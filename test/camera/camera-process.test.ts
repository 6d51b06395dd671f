import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraPoses, DeviceStatus } from '../../core/messages.ts';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';
import { fetchModels } from '../../models/fetch.ts';
import { privateEndpoints } from '../fixtures/ports.ts';
import { type RtspServer, start } from '../fixtures/rtsp-server.ts';
import { until } from './camera-rig.ts';

let srv: RtspServer;
beforeAll(async () => {
  await fetchModels(['movenet-multipose']);
  srv = await start();
}, 120_000);
afterAll(async () => srv?.stop());

describe('walkout camera as its own process', () => {
  it('publishes valid camera.poses with people from vtest footage, and recovers from a stream drop', async () => {
    const endpoints = privateEndpoints();
    const proxy = await startBusProxy(endpoints);
    const bus = await ZmqBus.connect(endpoints);
    const poses: CameraPoses[] = [];
    const statuses: DeviceStatus[] = [];
    // Parse again here: the test checks what crossed the wire, not what the worker meant to send.
    bus.subscribe('camera.poses', (m) => poses.push(CameraPoses.parse(m)));
    bus.subscribe('device.status', (m) => statuses.push(DeviceStatus.parse(m)));
    let child: ChildProcess | undefined;
    let stderr = '';
    try {
      // biome-ignore format: CLI arguments read best in pairs
      child = spawn(process.execPath, ['bin/walkout.mjs', 'camera', '--store', 'demo', '--camera', 'cam2',
        '--url', srv.url, '--size', '512x384', '--stall-ms', '3000',
        '--bus-publish', endpoints.publish, '--bus-subscribe', endpoints.subscribe],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WALKOUT_LOG_LEVEL: 'warn' } });
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      const withPeople = () => poses.filter((p) => p.persons.length > 0).length;
      await until(() => withPeople() >= 3, `3 camera.poses with people (stderr: ${stderr})`, 60_000);
      // A loaded machine's server may refuse the very first attempt (down, then up): judged from the
      // streaming state on.
      expect(statuses.at(-1)).toMatchObject({ deviceId: 'cam2', kind: 'camera', status: 'up' });
      expect(statuses.every((s) => s.deviceId === 'cam2' && s.kind === 'camera')).toBe(true);
      const since = statuses.length;
      for (const p of poses) {
        expect(p.cameraId).toBe('cam2');
        // Coordinates are in the store camera's calibrated 1280x720 frame, not the 512x384 decode size.
        for (const person of p.persons) {
          expect(person.box[2]).toBeLessThanOrEqual(1280 + 1);
          expect(person.box[3]).toBeLessThanOrEqual(720 + 1);
        }
      }
      expect(poses.some((p) => p.persons.some((q) => q.box[2] > 512))).toBe(true);
      const frames = poses.map((p) => p.frame);
      expect(frames).toEqual([...frames].sort((a, b) => a - b));
      expect(Math.abs((poses.at(-1) as CameraPoses).t - Date.now())).toBeLessThan(10_000);

      // The stream drops: reported down; it comes back: reported up, and its frames are processed.
      await srv.stop();
      await until(() => statuses.slice(since).some((s) => s.status === 'down'), 'device.status down');
      const beforeRecovery = poses.length;
      await srv.restart();
      await until(() => statuses.at(-1)?.status === 'up', 'device.status up again', 30_000);
      await until(() => poses.length >= beforeRecovery + 2, 'poses after recovery', 60_000);
      expect(statuses.slice(since).map((s) => s.status)).toEqual(['down', 'up']);
      expect((poses.at(-1) as CameraPoses).frame).toBeGreaterThan(frames.at(-1) as number);
      expect(child.exitCode).toBeNull(); // nothing crashed
    } finally {
      child?.kill('SIGTERM');
      if (child && child.exitCode === null) await once(child, 'exit');
      await bus.close();
      await proxy.close();
    }
    expect(child?.exitCode).toBe(0);
  }, 120_000);
});
