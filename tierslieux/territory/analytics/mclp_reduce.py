"""Reductions of a covering instance that keep its optimum, and its independent parts.

Applied before any exact method (``mclp_exact``, ``location.set_cover_exact``):

1. **Demand that cannot change the objective is dropped**: already covered by an existing
   place, weightless, or reached by no candidate.
2. **Demand points reached by the same candidates are merged**, their weights summed: in every
   solution they are covered together.
3. **Dominated candidates are dropped**: a candidate whose reached set is contained in
   another's (for identical sets, all but the lowest index). Replacing it by its dominator in a
   solution covers at least as much with no more sites, so an optimal solution without it
   exists, for the maximal covering (at most ``p`` sites) and for the set cover alike.
   Dominance is transitive and the order "larger set, then lower index" is strict, so every
   dropped candidate is dominated by a kept one. Rows that became identical are merged again.
4. **Independent components**: the bipartite graph rows - candidates (an edge where a candidate
   reaches a row) splits into connected components; sites of one component cover nothing in
   another, so the objective is the sum of the components' objectives.

Pure numpy / scipy: no Django import (checked by import-linter).
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from tierslieux.territory.analytics.mclp_base import CoverageProblem, FloatArray, IndexArray

#: Columns per block when comparing candidates pairwise (bounds the memory of ``A^T A``).
DOMINANCE_BLOCK_COLUMNS = 4096


@dataclass(frozen=True)
class Reduced:
    """Rows still to cover (identical rows merged) and the candidates kept to cover them."""

    matrix: sparse.csc_matrix
    """Merged rows by kept candidates, bool, sorted indices."""
    weight: FloatArray
    """Summed weight of each merged row (> 0)."""
    candidates: IndexArray
    """Original index (column of the problem's reach matrix) of each kept column."""

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape


@dataclass(frozen=True)
class Component:
    """One independent part of a reduced instance."""

    rows: IndexArray
    """Rows of the reduced matrix."""
    columns: IndexArray
    """Columns of the reduced matrix."""
    matrix: sparse.csc_matrix
    """``reduced.matrix[rows][:, columns]``."""
    weight: FloatArray
    """Weight of each row."""

    @property
    def total(self) -> float:
        return float(self.weight.sum())


def merge_rows(
    matrix: sparse.csr_matrix, weight: FloatArray
) -> tuple[sparse.csr_matrix, FloatArray]:
    """Rows with the same set of columns merged into their first occurrence, weights summed."""
    matrix = sparse.csr_matrix(matrix, dtype=np.bool_)
    matrix.sort_indices()
    groups: dict[bytes, int] = {}
    n = matrix.shape[0]
    group_of = np.empty(n, dtype=np.intp)
    indptr, indices = matrix.indptr, matrix.indices
    for k in range(n):
        key = indices[indptr[k] : indptr[k + 1]].tobytes()
        group_of[k] = groups.setdefault(key, len(groups))
    n_groups = len(groups)
    first = np.full(n_groups, -1, dtype=np.intp)
    first[group_of[::-1]] = np.arange(n)[::-1]
    merged_weight = np.bincount(group_of, weights=weight, minlength=n_groups)
    return matrix[first], merged_weight


def dominated_columns(matrix: sparse.csc_matrix) -> IndexArray:
    """Columns whose set of rows is contained in another column's (for equal sets, every
    column but the lowest index), computed from ``A^T A`` by blocks of columns."""
    a = sparse.csc_matrix(matrix, dtype=np.int32)
    size = np.diff(a.indptr)
    at = a.T.tocsr()
    # The right operand by rows once: a CSR x CSC product converts it at every block
    # (national instance: 8 conversions of 4.4 M pairs, half of the reductions' time).
    by_row = a.tocsr()
    dominated: list[IndexArray] = []
    for start in range(0, a.shape[1], DOMINANCE_BLOCK_COLUMNS):
        stop = min(start + DOMINANCE_BLOCK_COLUMNS, a.shape[1])
        overlap = (at[start:stop] @ by_row).tocoo()  # overlap[j - start, k] = |rows(j) & rows(k)|
        j = overlap.row.astype(np.intp) + start
        k = overlap.col.astype(np.intp)
        contained = (j != k) & (overlap.data == size[j])
        larger = (size[k] > size[j]) | ((size[k] == size[j]) & (k < j))
        dominated.append(np.unique(j[contained & larger]))
    if not dominated:
        return np.zeros(0, dtype=np.intp)
    return np.unique(np.concatenate(dominated)).astype(np.intp)


def reduce_problem(problem: CoverageProblem, *, dominance: bool = True) -> Reduced:
    """The reduced instance (steps 1 to 3 of the module's docstring): same optimum."""
    rows = np.flatnonzero(problem.coverable)
    matrix, weight = merge_rows(problem.reach[rows], problem.demand_weight[rows])
    csc = matrix.tocsc()
    candidates = np.flatnonzero(np.diff(csc.indptr) > 0).astype(np.intp)
    csc = csc[:, candidates]
    if dominance and csc.shape[1] > 1:
        drop = dominated_columns(csc)
        if len(drop):
            keep = np.setdiff1d(np.arange(csc.shape[1]), drop)
            candidates = candidates[keep]
            merged, weight = merge_rows(csc[:, keep].tocsr(), weight)
            csc = merged.tocsc()
    csc = sparse.csc_matrix(csc, dtype=np.bool_)
    csc.sort_indices()
    return Reduced(matrix=csc, weight=np.asarray(weight, dtype=np.float64), candidates=candidates)


def components(reduced: Reduced) -> list[Component]:
    """Connected components of the bipartite graph rows - columns, largest weight first."""
    n_rows, n_cols = reduced.shape
    if n_rows == 0:
        return []
    by_row = reduced.matrix.tocsr()
    # Rows then columns as the graph's vertices, an edge row -> n_rows + column; the
    # components of the undirected graph need no symmetric copy.
    graph = sparse.csr_matrix(
        (
            np.ones(by_row.nnz, dtype=np.int8),
            by_row.indices + n_rows,
            np.concatenate([by_row.indptr, np.full(n_cols, by_row.nnz, by_row.indptr.dtype)]),
        ),
        shape=(n_rows + n_cols, n_rows + n_cols),
    )
    n_parts, labels = csgraph.connected_components(graph, directed=False)
    row_label, col_label = labels[:n_rows], labels[n_rows:]
    row_order = np.argsort(row_label, kind="stable")
    col_order = np.argsort(col_label, kind="stable")
    row_end = np.cumsum(np.bincount(row_label, minlength=n_parts))
    col_end = np.cumsum(np.bincount(col_label, minlength=n_parts))
    position = np.empty(n_cols, dtype=np.intp)  # column -> its position in its component
    parts: list[Component] = []
    for label in range(n_parts):
        rows = row_order[(row_end[label - 1] if label else 0) : row_end[label]]
        columns = col_order[(col_end[label - 1] if label else 0) : col_end[label]]
        position[columns] = np.arange(len(columns))
        sub = by_row[rows]
        matrix = sparse.csr_matrix(
            (sub.data, position[sub.indices], sub.indptr), shape=(len(rows), len(columns))
        ).tocsc()
        matrix.sort_indices()
        parts.append(Component(rows, columns, matrix, reduced.weight[rows]))
    parts.sort(key=lambda part: -part.total)
    return parts
