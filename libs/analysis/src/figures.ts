/**
 * Plotly.js figure specifications as plain JSON (data + layout), so a finding can return them, a
 * runner can log them as artifacts and a notebook can re-plot them without recomputing anything.
 */

export interface PlotlyTrace {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface FigureSpec {
  readonly data: readonly PlotlyTrace[];
  readonly layout: Readonly<Record<string, unknown>>;
  /** Suggested pixel size for static rendering (PNG). */
  readonly width: number;
  readonly height: number;
}

const FONT = { family: 'Liberation Sans, DejaVu Sans, Arial, sans-serif', size: 13 };

/** Width that fits the title on one line (plotly does not wrap titles; ~8.5 px per character at its 17 px title size). */
const fitTitle = (title: string, width: number): number => Math.max(width, Math.ceil(8.5 * title.length) + 60);

function layout(title: string, extra: Record<string, unknown>, width: number, height: number): Record<string, unknown> {
  const axes = (key: string): Record<string, unknown> => ({ automargin: true, ...((extra[key] as Record<string, unknown> | undefined) ?? {}) });
  // automargin keeps long metric names (y labels) and rotated ticks inside the picture.
  return { title: { text: title }, font: FONT, width, height, margin: { l: 60, r: 40, t: 70, b: 60 }, ...extra, xaxis: axes('xaxis'), yaxis: axes('yaxis') };
}

export interface HeatmapOptions {
  readonly title: string;
  readonly x: readonly string[];
  readonly y: readonly string[];
  /** z[row][col]; null cells are left blank. */
  readonly z: readonly (readonly (number | null)[])[];
  /** Cell labels; defaults to z with `digits` decimals. */
  readonly text?: readonly (readonly string[])[];
  readonly digits?: number;
  readonly colorscale?: string;
  readonly zmin?: number;
  readonly zmax?: number;
  readonly colorbarTitle?: string;
  readonly showScale?: boolean;
  readonly width?: number;
  readonly height?: number;
}

export function heatmapFigure(o: HeatmapOptions): FigureSpec {
  const digits = o.digits ?? 2;
  const text = o.text ?? o.z.map((row) => row.map((v) => (v === null ? '' : v.toFixed(digits))));
  const width = fitTitle(o.title, o.width ?? Math.max(520, 160 + 70 * o.x.length));
  const height = o.height ?? Math.max(380, 170 + 40 * o.y.length);
  return {
    data: [
      {
        type: 'heatmap',
        x: o.x,
        y: o.y,
        z: o.z,
        text,
        texttemplate: '%{text}',
        hovertemplate: '%{y} / %{x}: %{text}<extra></extra>',
        colorscale: o.colorscale ?? 'Viridis',
        showscale: o.showScale ?? true,
        ...(o.zmin !== undefined ? { zmin: o.zmin } : {}),
        ...(o.zmax !== undefined ? { zmax: o.zmax } : {}),
        colorbar: { title: { text: o.colorbarTitle ?? '' } },
      },
    ],
    layout: layout(o.title, { xaxis: { type: 'category', tickangle: -35 }, yaxis: { type: 'category', autorange: 'reversed' } }, width, height),
    width,
    height,
  };
}

/** Box statistics computed elsewhere (plotly draws boxes from them without the raw samples). */
export interface BoxStats {
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly lowerfence: number;
  readonly upperfence: number;
  readonly mean: number;
}

export interface GroupedBoxOptions {
  readonly title: string;
  readonly categories: readonly string[];
  /** One trace per series (e.g. leaf index), with one box per category (null where absent). */
  readonly series: readonly { readonly name: string; readonly boxes: readonly (BoxStats | null)[] }[];
  /** Axis titles: what the categories are, what the boxes measure. */
  readonly xTitle: string;
  readonly yTitle: string;
  /** Title of the legend, which names the series (shown even for one series). */
  readonly legendTitle: string;
  readonly width?: number;
  readonly height?: number;
}

export function groupedBoxFigure(o: GroupedBoxOptions): FigureSpec {
  const width = fitTitle(o.title, o.width ?? Math.max(900, 140 * o.categories.length));
  const height = o.height ?? 560;
  const pick = (boxes: readonly (BoxStats | null)[], key: keyof BoxStats): (number | null)[] => boxes.map((b) => (b ? b[key] : null));
  return {
    data: o.series.map((s) => ({
      type: 'box',
      name: s.name,
      x: o.categories,
      q1: pick(s.boxes, 'q1'),
      median: pick(s.boxes, 'median'),
      q3: pick(s.boxes, 'q3'),
      lowerfence: pick(s.boxes, 'lowerfence'),
      upperfence: pick(s.boxes, 'upperfence'),
      mean: pick(s.boxes, 'mean'),
      boxmean: true,
      showlegend: true,
    })),
    layout: layout(
      o.title,
      { boxmode: 'group', showlegend: true, yaxis: { title: { text: o.yTitle } }, xaxis: { title: { text: o.xTitle }, tickangle: -35 }, legend: { title: { text: o.legendTitle } } },
      width,
      height,
    ),
    width,
    height,
  };
}

export interface GroupedBarOptions {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: readonly number[]; readonly errors?: readonly number[] }[];
  readonly yTitle: string;
  readonly barmode?: 'group' | 'stack';
  readonly yType?: 'linear' | 'log';
  /** A dashed horizontal line across the plot, labelled (a baseline). */
  readonly reference?: { readonly name: string; readonly value: number };
  /** y-axis range; default plotly's (from 0 for bars). */
  readonly yRange?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
}

export function groupedBarFigure(o: GroupedBarOptions): FigureSpec {
  const width = fitTitle(o.title, o.width ?? Math.max(900, 110 * o.categories.length));
  const height = o.height ?? 520;
  return {
    data: o.series.map((s) => ({
      type: 'bar',
      name: s.name,
      x: o.categories,
      y: s.values,
      ...(s.errors ? { error_y: { type: 'data', array: s.errors, visible: true } } : {}),
    })),
    layout: layout(
      o.title,
      {
        barmode: o.barmode ?? 'group',
        yaxis: { title: { text: o.yTitle }, type: o.yType ?? 'linear', ...(o.yRange ? { range: [...o.yRange] } : {}) },
        xaxis: { tickangle: -35 },
        ...(o.reference
          ? {
              shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: o.reference.value, y1: o.reference.value, line: { dash: 'dash', color: 'black', width: 2 } }],
              annotations: [{ xref: 'paper', x: 1, xanchor: 'right', yref: 'y', y: o.reference.value, yanchor: 'bottom', showarrow: false, text: `${o.reference.name}: ${o.reference.value.toFixed(2)}` }],
            }
          : {}),
      },
      width,
      height,
    ),
    width,
    height,
  };
}

export interface TableOptions {
  readonly title: string;
  readonly header: readonly string[];
  /** Rows of cells (converted to columns for plotly). */
  readonly rows: readonly (readonly (string | number)[])[];
  readonly width?: number;
  readonly height?: number;
}

export function tableFigure(o: TableOptions): FigureSpec {
  const width = fitTitle(o.title, o.width ?? Math.max(700, 170 * o.header.length));
  const height = o.height ?? 140 + 30 * o.rows.length;
  return {
    data: [
      {
        type: 'table',
        header: { values: o.header, align: 'left', fill: { color: '#dde4ee' }, font: { ...FONT, size: 13 } },
        cells: { values: o.header.map((_, c) => o.rows.map((r) => r[c] ?? '')), align: 'left', height: 26, font: FONT },
      },
    ],
    layout: layout(o.title, { margin: { l: 20, r: 20, t: 60, b: 20 } }, width, height),
    width,
    height,
  };
}

export interface LineOptions {
  readonly title: string;
  /** One line per series, drawn with markers; `errors` draws a ± band as error bars. */
  readonly series: readonly { readonly name: string; readonly x: readonly number[]; readonly y: readonly number[]; readonly errors?: readonly number[] }[];
  readonly xTitle: string;
  readonly yTitle: string;
  readonly yRange?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
}

export function lineFigure(o: LineOptions): FigureSpec {
  const width = fitTitle(o.title, o.width ?? 900);
  const height = o.height ?? 520;
  return {
    data: o.series.map((s) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: s.name,
      x: s.x,
      y: s.y,
      ...(s.errors ? { error_y: { type: 'data', array: s.errors, visible: true } } : {}),
    })),
    layout: layout(o.title, { xaxis: { title: { text: o.xTitle } }, yaxis: { title: { text: o.yTitle }, ...(o.yRange ? { range: [...o.yRange] } : {}) } }, width, height),
    width,
    height,
  };
}
