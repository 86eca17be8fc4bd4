import type { NB201Network } from '@fsnas/nn';
import type { Mask } from '@fsnas/nb201';

/**
 * How to read the n×n matrix a metric returns. Gradient matching gives a similarity (cosine: high =
 * alike); every scalar metric gives a distance |m_i - m_j| (high = unlike). Partitioning minimises the
 * similarity across groups, or equivalently maximises the distance across groups.
 */
export type MatrixKind = 'similarity' | 'distance';

export interface EdgeEvaluation {
  /** One value per candidate (for gradient matching: the gradient norm, for information only). */
  readonly values: readonly number[];
  /** Symmetric n×n matrix with a zero diagonal, rows in candidate order. */
  readonly matrix: readonly (readonly number[])[];
  readonly kind: MatrixKind;
}

export interface EdgeRequest {
  /** The parent mask with exactly one allowed op on `edge` each (docs/reference.md §3.3). */
  readonly candidates: readonly Mask[];
  /** The mask being split; metrics that use a reference evaluate it too. */
  readonly parent: Mask;
  readonly edge: number;
  /** All candidates of one call share initial weights and batches drawn from this seed. */
  readonly seed: number;
  /**
   * Trained weights of the mask being split (a warm-up between levels): the candidates start from
   * them instead of a fresh seeded init. Shapes must match the metric's network (same C and N).
   */
  readonly weights?: NB201Network;
}

/** The interface the splitter drives: any architecture-evaluation metric can split a supernet. */
export interface EdgeMetric {
  readonly name: string;
  evaluateEdge(request: EdgeRequest): Promise<EdgeEvaluation>;
}
