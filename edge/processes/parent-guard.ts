/** Set by the supervisor in each child's environment: the supervisor's pid. */
export const SUPERVISOR_PID_ENV = 'WALKOUT_SUPERVISOR_PID';

/**
 * In a supervised process: stop (SIGTERM, so the command shuts down in order) once the supervisor is
 * gone, e.g. killed with SIGKILL, when the process is re-parented. Without this its children would be
 * left running unsupervised and a restarted supervisor would start a second copy of each.
 */
export function stopWithSupervisor(checkMs = 500): void {
  const pid = Number(process.env[SUPERVISOR_PID_ENV]);
  // Only for this process: its own children are not supervised by that pid.
  delete process.env[SUPERVISOR_PID_ENV];
  if (!Number.isInteger(pid) || pid <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === pid) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, checkMs);
  timer.unref();
}
