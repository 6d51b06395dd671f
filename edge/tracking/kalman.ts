/**
 * Constant-velocity Kalman filter on one floor axis: state (position, velocity), covariance
 * [pp, pv, vv]. The two axes are filtered independently (isotropic process and measurement noise),
 * which keeps the state plain numbers, JSON-serialisable for crash recovery.
 */
export interface AxisState {
  p: number;
  v: number;
  pp: number;
  pv: number;
  vv: number;
}

export function axis(p: number, posVar: number, velVar: number): AxisState {
  return { p, v: 0, pp: posVar, pv: 0, vv: velVar };
}

/** The state `dt` seconds ahead under white-noise acceleration of variance `q` (m²/s⁴). */
export function predict(a: AxisState, dt: number, q: number): AxisState {
  const dt2 = dt * dt;
  return {
    p: a.p + a.v * dt,
    v: a.v,
    pp: a.pp + 2 * dt * a.pv + dt2 * a.vv + (q * dt2 * dt) / 3,
    pv: a.pv + dt * a.vv + (q * dt2) / 2,
    vv: a.vv + q * dt,
  };
}

/** Folds in a position measurement `z` of variance `r`. */
export function correct(a: AxisState, z: number, r: number): AxisState {
  const s = a.pp + r;
  const kp = a.pp / s;
  const kv = a.pv / s;
  const y = z - a.p;
  return {
    p: a.p + kp * y,
    v: a.v + kv * y,
    pp: (1 - kp) * a.pp,
    pv: (1 - kp) * a.pv,
    vv: a.vv - kv * a.pv,
  };
}
