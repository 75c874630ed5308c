// Compressed sparse rows: row r's targets are targets[offsets[r] .. offsets[r + 1]).

/** Turns per-row counts shifted by one (counts[r + 1] = size of row r) into row offsets, in place. */
export function prefixSum(counts: Int32Array): Int32Array {
  for (let i = 1; i < counts.length; i++) counts[i]! += counts[i - 1]!;
  return counts;
}

/** Counting-sorts the first `m` edges into rows (keeping declaration order) and drops repeated targets. */
export function compactRows(n: number, offsets: Int32Array, src: Int32Array, dst: Int32Array, m: number) {
  const fill = offsets.slice(0, n);
  const rows = new Int32Array(m);
  for (let e = 0; e < m; e++) rows[fill[src[e]!]!++] = dst[e]!;
  const lastRow = new Int32Array(n).fill(-1);
  const compact = new Int32Array(n + 1);
  let w = 0;
  for (let row = 0; row < n; row++) {
    for (let k = offsets[row]!, end = offsets[row + 1]!; k < end; k++) {
      const target = rows[k]!;
      if (lastRow[target] === row) continue;
      lastRow[target] = row;
      rows[w++] = target;
    }
    compact[row + 1] = w;
  }
  return { offsets: compact, targets: rows.slice(0, w) };
}

/** The same edges reversed: row r lists the rows that point at r, in ascending order. */
export function transpose(n: number, offsets: Int32Array, targets: Int32Array) {
  const counts = new Int32Array(n + 1);
  for (const target of targets) counts[target + 1]!++;
  const upOffsets = prefixSum(counts);
  const fill = upOffsets.slice(0, n);
  const upTargets = new Int32Array(targets.length);
  for (let row = 0; row < n; row++) {
    for (let k = offsets[row]!, end = offsets[row + 1]!; k < end; k++) upTargets[fill[targets[k]!]!++] = row;
  }
  return { offsets: upOffsets, targets: upTargets };
}
