import { Counter, Registry } from 'prom-client';
import { registerScrapedCounters } from '../../core/metrics.ts';

/** Plain counters on the hot path; prom-client reads them on scrape (a label lookup per sample is too slow). */
export interface EngineCounters {
  messages: Record<string, number>;
  invalidSamples: number;
  outOfRangeSamples: number;
  lateSamples: number;
  duplicateBatches: number;
  missingBatches: number;
  backwardsBatches: number;
  clockBackwards: number;
  unknownPlate: number;
  unknownCamera: number;
  plateFaults: number;
  events: number;
  eventsReview: number;
  /** Events held in review for an identity doubt that the tracker later settled. */
  eventsSettled: number;
  receiptsCharge: number;
  receiptsReview: number;
  handlerErrors: number;
}

export function emptyCounters(): EngineCounters {
  return {
    messages: {},
    invalidSamples: 0,
    outOfRangeSamples: 0,
    lateSamples: 0,
    duplicateBatches: 0,
    missingBatches: 0,
    backwardsBatches: 0,
    clockBackwards: 0,
    unknownPlate: 0,
    unknownCamera: 0,
    plateFaults: 0,
    events: 0,
    eventsReview: 0,
    eventsSettled: 0,
    receiptsCharge: 0,
    receiptsReview: 0,
    handlerErrors: 0,
  };
}

type Scalar = Exclude<keyof EngineCounters, 'messages'>;

const SCALARS: Array<[Scalar, string, string]> = [
  ['invalidSamples', 'walkout_edge_invalid_samples_total', 'Samples with an invalid (null) reading'],
  ['outOfRangeSamples', 'walkout_edge_out_of_range_samples_total', 'Samples outside the plate range'],
  ['lateSamples', 'walkout_edge_late_samples_total', 'Samples that arrived after their time was processed'],
  ['duplicateBatches', 'walkout_edge_duplicate_batches_total', 'Sample batches delivered twice'],
  ['missingBatches', 'walkout_edge_missing_batches_total', 'Sample batches lost (sequence gaps)'],
  ['backwardsBatches', 'walkout_edge_backwards_batches_total', 'Batches whose timestamp jumped backwards'],
  ['clockBackwards', 'walkout_edge_clock_backwards_total', 'Messages older than the engine clock'],
  ['unknownPlate', 'walkout_edge_unknown_plate_total', 'Samples of plates not in the store file'],
  ['unknownCamera', 'walkout_edge_unknown_camera_total', 'Poses of cameras not in the store file'],
  ['plateFaults', 'walkout_edge_plate_faults_total', 'Plates that went silent or down'],
  ['events', 'walkout_edge_shelf_events_total', 'Shelf events detected'],
  ['eventsReview', 'walkout_edge_shelf_events_review_total', 'Shelf events sent to review'],
  [
    'eventsSettled',
    'walkout_edge_shelf_events_settled_total',
    'Shelf events held for an identity doubt and charged once the tracker settled it',
  ],
  ['receiptsCharge', 'walkout_edge_receipts_charge_total', 'Receipts finalised for charging'],
  ['receiptsReview', 'walkout_edge_receipts_review_total', 'Receipts sent to review'],
  ['handlerErrors', 'walkout_edge_handler_errors_total', 'Messages whose processing threw'],
];

export function createEngineRegistry(read: () => EngineCounters): Registry {
  const registry = new Registry();
  registerScrapedCounters(registry, SCALARS, read);
  new Counter({
    name: 'walkout_edge_input_messages_total',
    help: 'Input messages consumed, by topic',
    labelNames: ['topic'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [topic, n] of Object.entries(read().messages)) this.inc({ topic }, n);
    },
  });
  return registry;
}
