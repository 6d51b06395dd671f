import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** The weight trace of one plate around an event (grams over seconds relative to the event start). */
export function TraceChart(props: { plateId: string; t0: number; points: Array<[number, number]> }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current || props.points.length === 0) return;
    const xs = props.points.map(([t]) => (t - props.t0) / 1000);
    const ys = props.points.map(([, g]) => g);
    const plot = new uPlot(
      {
        width: 320,
        height: 150,
        title: props.plateId,
        scales: { x: { time: false } },
        legend: { show: false },
        axes: [{ label: 's' }, { label: 'g', size: 70 }],
        series: [{}, { label: 'grams', stroke: '#2563eb', width: 2 }],
      },
      [xs, ys],
      el.current,
    );
    return () => plot.destroy();
  }, [props.plateId, props.t0, props.points]);
  if (props.points.length === 0) return <div class="muted">no samples for {props.plateId}</div>;
  return <div class="chart" ref={el} data-plate={props.plateId} />;
}
