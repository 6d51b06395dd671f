import { SerialPort } from 'serialport';

/** Opens the device end of a pty pair as an emulated device would hold its UART. */
export async function openDeviceEnd(path: string, baudRate: number): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  // The host end going away surfaces as an error on some kernels; the pty pair owner handles it.
  port.on('error', () => {});
  return port;
}

export async function closeDeviceEnd(port: SerialPort | undefined): Promise<void> {
  if (!port?.isOpen) return;
  // Closing with a write still in flight can leave the host end never seeing the hang-up.
  await new Promise<void>((resolve) => port.drain(() => resolve()));
  await new Promise<void>((resolve) => port.close(() => resolve()));
}
