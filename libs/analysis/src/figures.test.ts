import { describe, expect, it } from 'vitest';
import { groupedBoxFigure, type FigureSpec } from './index';

const titleOf = (axis: unknown): string | undefined => ((axis as { title?: { text?: string } } | undefined)?.title?.text);

function expectLegendAndAxisTitles(figure: FigureSpec, x: string, y: string, legend: string): void {
  expect(figure.layout['showlegend']).toBe(true);
  expect(titleOf(figure.layout['legend'])).toBe(legend);
  expect(titleOf(figure.layout['xaxis'])).toBe(x);
  expect(titleOf(figure.layout['yaxis'])).toBe(y);
  for (const trace of figure.data) expect(trace['showlegend']).not.toBe(false);
}

describe('box plots', () => {
  it('groupedBoxFigure shows a legend (even for one series) and titles both axes', () => {
    const stats = { q1: 1, median: 2, q3: 3, lowerfence: 0, upperfence: 4, mean: 2 };
    const one = groupedBoxFigure({ title: 't', categories: ['a', 'b'], series: [{ name: 'only', boxes: [stats, null] }], xTitle: 'category', yTitle: 'value', legendTitle: 'series' });
    expectLegendAndAxisTitles(one, 'category', 'value', 'series');
  });
});
