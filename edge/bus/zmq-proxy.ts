import { Proxy, XPublisher, XSubscriber } from 'zeromq';
import { createLogger } from '../../core/log.ts';

const log = createLogger('edge.bus.proxy');

export interface ProxyEndpoints {
  /** Publishers connect here (XSUB side), e.g. tcp://127.0.0.1:5555 or ipc:///tmp/walkout-pub. */
  publish: string;
  /** Subscribers connect here (XPUB side). */
  subscribe: string;
}

export const DEFAULT_ENDPOINTS: ProxyEndpoints = {
  publish: 'tcp://127.0.0.1:5555',
  subscribe: 'tcp://127.0.0.1:5556',
};

/**
 * The edge's message broker: a zeromq XSUB/XPUB proxy (as in Frigate). It forwards frames without
 * parsing them, so it costs next to nothing; validation happens in each process that reads them.
 * Bind on a TCP address reachable by the other edge boxes to let several of them share one bus.
 */
export async function startBusProxy(
  endpoints: ProxyEndpoints = DEFAULT_ENDPOINTS,
): Promise<{ close(): Promise<void> }> {
  const proxy = new Proxy(new XSubscriber(), new XPublisher());
  await proxy.frontEnd.bind(endpoints.publish);
  await proxy.backEnd.bind(endpoints.subscribe);
  const running = proxy.run().catch((err: unknown) => log.error({ err }, 'bus proxy stopped'));
  log.info(endpoints, 'bus proxy running');
  return {
    async close() {
      proxy.terminate();
      await running;
    },
  };
}
