import { Option } from 'commander';
import { DEFAULT_ENDPOINTS } from './zmq-proxy.ts';

/** The bus options every edge process takes: where its proxy's two sides are. */
export const busPublishOption = (): Option =>
  new Option('--bus-publish <endpoint>', "the bus proxy's publisher side").default(DEFAULT_ENDPOINTS.publish);

export const busSubscribeOption = (): Option =>
  new Option('--bus-subscribe <endpoint>', "the bus proxy's subscriber side").default(
    DEFAULT_ENDPOINTS.subscribe,
  );
