import type { Registry } from 'prom-client';
import { registerScrapedCounters } from '../../core/metrics.ts';
import type { TrackerCounters } from './index.ts';

const COUNTERS: Array<[keyof TrackerCounters, string, string]> = [
  ['frames', 'walkout_edge_tracker_frames_total', 'Camera frames processed by the tracker'],
  ['detections', 'walkout_edge_tracker_detections_total', 'Person detections placed on the floor'],
  ['births', 'walkout_edge_tracker_track_births_total', 'Tracks started'],
  ['reacquired', 'walkout_edge_tracker_reacquired_total', 'Lost bound tracks picked up again'],
  [
    'unmatchedDetections',
    'walkout_edge_tracker_unbound_births_total',
    'Tracks started without a gate passage',
  ],
  ['unknownCamera', 'walkout_edge_tracker_unknown_camera_total', 'Frames from cameras not in the store file'],
  [
    'unknownGate',
    'walkout_edge_tracker_unknown_gate_total',
    'Gate messages from unknown or wrong-kind gates',
  ],
  ['unscannedPassages', 'walkout_edge_tracker_unscanned_passages_total', 'Entry passages with no scan'],
  ['exitsWithoutTrack', 'walkout_edge_tracker_exits_without_track_total', 'Exits attributed without a track'],
  [
    'exitsFromCameras',
    'walkout_edge_tracker_exits_from_cameras_total',
    'Exits seen by the cameras that the door did not report',
  ],
  [
    'entriesWithoutPassage',
    'walkout_edge_tracker_entries_without_passage_total',
    'Scans with no entry passage from the door (one shopper assumed in)',
  ],
  ['clockBackwards', 'walkout_edge_tracker_clock_backwards_total', 'Messages older than the tracker clock'],
  ['cameraBackwards', 'walkout_edge_tracker_camera_backwards_total', 'Frames older than their camera’s last'],
  ['cameraDown', 'walkout_edge_tracker_camera_down_total', 'Cameras reported down'],
];

/**
 * Registers the tracker's counters on `registry`. The tracker keeps plain numbers on its hot path;
 * prom-client reads them at scrape time.
 */
export function registerTrackerMetrics(registry: Registry, read: () => TrackerCounters): void {
  registerScrapedCounters(registry, COUNTERS, read);
}
