import { describe, expect, it } from 'vitest';
import { BudgetNotLoggedError, selectBudget, type FindingRun } from './index';

const run = (name: string, budget: string | undefined): FindingRun => ({
  runId: `${name}-${budget}`,
  name,
  params: {},
  tags: { dataset: 'cifar10', metric: 'all', ...(budget ? { budget } : {}) },
  metrics: {},
  artifact: async () => '',
  artifactPaths: async () => [],
});

// What a laptop F4 and then a smoke F4 leave in MLflow: the same run names under two budgets.
const runs = [run('cifar10/all [smoke]', 'smoke'), run('cifar10/all [laptop]', 'laptop'), run('cifar10/synflow [smoke]', 'smoke')];

describe('selectBudget', () => {
  it("'largest' keeps only the largest budget logged (paper > laptop > smoke) and says so", () => {
    const chosen = selectBudget(runs);
    expect(chosen.budget).toBe('laptop');
    expect(chosen.runs.map((r) => r.runId)).toEqual(['cifar10/all [laptop]-laptop']);
    expect(chosen.logged).toEqual(['laptop', 'smoke']);
    expect(chosen.note).toMatch(/budget laptop \(the largest logged; logged: laptop, smoke\)/);
    expect(selectBudget([...runs, run('cifar10/all [paper]', 'paper')], 'largest').budget).toBe('paper');
  });

  it('an explicit budget keeps its runs only; the note says it was chosen', () => {
    const chosen = selectBudget(runs, 'smoke');
    expect(chosen.budget).toBe('smoke');
    expect(chosen.runs.map((r) => r.name)).toEqual(['cifar10/all [smoke]', 'cifar10/synflow [smoke]']);
    expect(chosen.note).toMatch(/budget smoke \(chosen; logged: laptop, smoke\)/);
  });

  it('a budget with no runs, or no budget at all, is a typed error naming it and what was logged', () => {
    expect(() => selectBudget(runs, 'paper')).toThrow(BudgetNotLoggedError);
    expect(() => selectBudget(runs, 'paper')).toThrow(/no runs of budget 'paper'.*logged: laptop, smoke/);
    expect(() => selectBudget(runs, 'huge' as never)).toThrow(/budget must be one of smoke, laptop, medium, paper or 'largest', got 'huge'/);
    expect(() => selectBudget([run('old', undefined)])).toThrow(/no runs of budget 'largest'.*logged: none/);
  });
});
