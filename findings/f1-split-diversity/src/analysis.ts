import type { Benchmark } from '@fsnas/benchmark';
import { OPS, type Mask } from '@fsnas/nb201';
import { compareWithFamily, type SplitTreeDocument } from '@fsnas/splitting';
import { heatmapFigure, tableFigure, type FigureSpec, familyStructure, formatPartition, similarityMatrices, type FamilyStructure, type OpPartition, type SimilarityMatrices, type SplitsByDataset } from '@fsnas/analysis';

export interface F1GroupRow {
  readonly dataset: string;
  readonly metric: string;
  readonly level: number;
  readonly edge: number;
  /** Node position within the level (0 at level 0), in leaf order. */
  readonly node: number;
  readonly groups: string;
}

export interface F1Result {
  /** Every level's groups of every family and node. */
  readonly groups: readonly F1GroupRow[];
  /** dataset -> metric -> level-0 groups, e.g. `{3}|{0,1,2,4}`. */
  readonly level0: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** dataset -> metric×metric distance matrices. */
  readonly similarity: Readonly<Record<string, SimilarityMatrices>>;
  readonly figures: Readonly<Record<string, FigureSpec>>;
}

/**
 * Order groups so the smaller comes first (ties: the one with the lowest op), making the colour of a
 * level-0 heatmap cell mean "minority group" for every metric instead of depending on leaf order.
 */
function canonical(p: OpPartition): OpPartition {
  return [...p].sort((a, b) => a.length - b.length || (a[0] as number) - (b[0] as number));
}

/**
 * F1, split diversity: the op groups every family uses level by level, and how far apart the families
 * are (reference split distance averaged over levels; normalised VI of the leaf sets). `splits` may mix
 * the paper's families with the project's own (give them distinct names, e.g. `ours:grad_norm`).
 */
export function f1SplitDiversity(_bench: Benchmark | undefined, splits: SplitsByDataset): F1Result {
  const groups: F1GroupRow[] = [];
  const level0: Record<string, Record<string, string>> = {};
  const similarity: Record<string, SimilarityMatrices> = {};
  const figures: Record<string, FigureSpec> = {};
  const heatRows: string[] = [];
  const heatZ: number[][] = [];
  const heatText: string[][] = [];

  for (const [dataset, families] of splits) {
    const structures = new Map<string, FamilyStructure>();
    level0[dataset] = {};
    for (const [metric, leaves] of families) {
      const s = familyStructure(leaves);
      structures.set(metric, s);
      s.levels.forEach((level, l) =>
        level.nodes.forEach((node, n) => groups.push({ dataset, metric, level: l, edge: level.edge, node: n, groups: formatPartition(node.groups) })),
      );
      const first = s.levels[0];
      if (first) {
        const p = canonical((first.nodes[0] as { groups: OpPartition }).groups);
        (level0[dataset] as Record<string, string>)[metric] = formatPartition(p);
        heatRows.push(`${metric} · ${dataset}`);
        heatZ.push(OPS.map((_, op) => p.findIndex((g) => g.includes(op as never))));
        heatText.push(OPS.map((_, op) => formatPartition([p.find((g) => g.includes(op as never)) ?? []])));
      }
    }
    const m = similarityMatrices(structures);
    similarity[dataset] = m;
    figures[`f1-group-distance-${dataset}`] = heatmapFigure({
      title: `Split distance of op groups, mean over levels (${dataset}; 0 = same groups)`,
      x: m.names,
      y: m.names,
      z: m.groups,
      zmin: 0,
      colorscale: 'Blues',
      colorbarTitle: 'distance',
    });
    figures[`f1-leafset-distance-${dataset}`] = heatmapFigure({
      title: `Leaf-set distance, normalised VI (${dataset}; 0 = same sub-supernets, 1 = independent)`,
      x: m.names,
      y: m.names,
      z: m.leafSets,
      zmin: 0,
      zmax: 1,
      colorscale: 'Blues',
      colorbarTitle: 'VI / H',
    });
  }

  figures['f1-level0-groups'] = heatmapFigure({
    title: 'Level-0 op groups on edge 1<-0 (cell = group of the op; 0 = the smaller group)',
    x: [...OPS],
    y: heatRows,
    z: heatZ,
    text: heatText,
    colorscale: 'Portland',
    showScale: false,
    width: 900,
  });
  const datasets = Object.keys(level0);
  const metrics = [...new Set(datasets.flatMap((d) => Object.keys(level0[d] ?? {})))];
  figures['f1-level0-table'] = tableFigure({
    title: 'Level-0 groups per metric and dataset (ops: 0 none, 1 skip, 2 conv1x1, 3 conv3x3, 4 avgpool)',
    header: ['metric', ...datasets],
    rows: metrics.map((metric) => [metric, ...datasets.map((d) => level0[d]?.[metric] ?? '-')]),
  });
  return { groups, level0, similarity, figures };
}

/** One of our splits against the paper's split of the same metric (as `fsnas validate splits` compares them). */
export interface F1OursVsPaperRow {
  readonly dataset: string;
  /** Our split's label (describeSplitSource), e.g. `ours:synflow[tiny]`. */
  readonly ours: string;
  /** The paper's family it is compared with. */
  readonly paper: string;
  readonly sameLeavesInOrder: boolean;
  readonly sameLeafSet: boolean;
  /** Mean split distance of the op groups on each level (0 = the same groups). */
  readonly levelDistances: readonly number[];
}

/** Our split trees against the paper's masks, metric by metric: level distances and leaf agreement. */
export function f1OursVsPaper(dataset: string, pairs: readonly { ours: string; paper: string; tree: SplitTreeDocument; paperLeaves: readonly Mask[] }[]): F1OursVsPaperRow[] {
  return pairs.map(({ ours, paper, tree, paperLeaves }) => {
    const c = compareWithFamily(tree, paperLeaves);
    return { dataset, ours, paper, sameLeavesInOrder: c.sameLeavesInOrder, sameLeafSet: c.sameLeafSet, levelDistances: c.levels.map((l) => l.mean) };
  });
}

/** The ours-vs-paper rows as a table figure. */
export function f1OursVsPaperFigure(rows: readonly F1OursVsPaperRow[]): FigureSpec {
  const dataset = rows[0]?.dataset ?? '';
  return tableFigure({
    title: `Our splits against the paper's, metric by metric (${dataset}; distance per level, 0 = same op groups)`,
    header: ['ours', 'paper', 'same leaves', 'in order', 'distance per level'],
    rows: rows.map((r) => [r.ours, r.paper, String(r.sameLeafSet), String(r.sameLeavesInOrder), r.levelDistances.map((d) => d.toFixed(2)).join(' / ')]),
  });
}
