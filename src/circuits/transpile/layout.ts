/**
 * Initial layout: which physical qubit holds each virtual qubit.
 *
 * Candidates are connected sets of `n` usable (non-faulty) physical qubits: every simple
 * path of `n` qubits (enumeration capped by `maxCandidates`), exact embeddings of the
 * circuit's interaction graph (every interacting pair on coupled qubits, so no SWAP;
 * {@link exactEmbeddings}, e.g. a 12-ring on a heavy-hex hexagon) and a greedy growth from
 * every qubit (repeatedly add the neighbour with the lowest readout + coupling error). Each
 * candidate gets a virtual → physical placement: the circuit's interaction chains laid
 * along the path when the interaction graph is a union of chains, else a greedy placement
 * (most-connected virtual qubit first, each next one on the free candidate qubit adjacent
 * to most of its already-placed partners). Scores are compared lexicographically:
 * (1) routing cost Σ gates·(distance − 1) over interacting pairs, then (2) error cost
 * Σ readout error of the used qubits + Σ gates·two-qubit error over coupled interacting
 * pairs. If the best has routing cost 0 it is taken as is (no layout needs fewer SWAPs,
 * and routing hundreds of candidates on a large device is what costs time). Otherwise the
 * 32 best candidates (and, for n ≤ 5, every permutation of their qubit sets,
 * plus each one's SABRE refinement: route forward, then the reversed circuit back, and
 * start where that ends) are then routed for real ({@link route}); fewest SWAPs wins, then
 * lowest error cost, then the static order (deterministic).
 */
import { QplaneError } from "../../errors/catalogue.js";
import { GATES } from "../gates.js";
import type { Circuit } from "../ir.js";
import { distances, route } from "./routing.js";
import { adjacency, faultySet, pairErrorOf, readoutErrorOf, type Target } from "./target.js";

export interface LayoutOptions {
  /** Cap on enumerated path candidates (default 20 000). */
  readonly maxCandidates?: number;
  /** How many of the best static candidates are routed for real (default 32). */
  readonly maxRouted?: number;
}

/** Interacting virtual pairs (u < v) with the number of two-qubit gates on them. */
export function interactionGraph(circuit: Circuit): Map<string, [number, number, number]> {
  const pairs = new Map<string, [number, number, number]>();
  for (const gate of circuit.gates) {
    if (GATES[gate.name].qubitCount !== 2) continue;
    const u = Math.min(gate.qubits[0]!, gate.qubits[1]!);
    const v = Math.max(gate.qubits[0]!, gate.qubits[1]!);
    const key = `${u},${v}`;
    const entry = pairs.get(key);
    if (entry) entry[2] += 1;
    else pairs.set(key, [u, v, 1]);
  }
  return pairs;
}

/** Chains covering the interaction graph (each from an end), or null if it has a cycle or a branch. */
function interactionChains(
  n: number,
  edges: readonly [number, number, number][],
): number[][] | null {
  const nbrs: number[][] = Array.from({ length: n }, () => []);
  for (const [u, v] of edges) {
    nbrs[u]!.push(v);
    nbrs[v]!.push(u);
  }
  if (nbrs.some((list) => list.length > 2)) return null;
  const seen = new Set<number>();
  const chains: number[][] = [];
  for (let start = 0; start < n; start++) {
    if (seen.has(start) || nbrs[start]!.length === 2) continue;
    const chain = [start];
    seen.add(start);
    let current = start;
    for (;;) {
      const next = nbrs[current]!.find((q) => !seen.has(q));
      if (next === undefined) break;
      chain.push(next);
      seen.add(next);
      current = next;
    }
    chains.push(chain);
  }
  return seen.size === n ? chains : null;
}

interface Scored {
  readonly layout: number[];
  readonly routing: number;
  readonly error: number;
}

/** Chooses the initial layout (virtual qubit i → physical qubit `layout[i]`). */
export function chooseLayout(
  circuit: Circuit,
  target: Target,
  options: LayoutOptions = {},
): number[] {
  const n = circuit.numQubits;
  const faulty = faultySet(target);
  const usable = Array.from({ length: target.numQubits }, (_, q) => q).filter(
    (q) => !faulty.has(q),
  );
  if (n > usable.length) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `circuit needs ${n} qubits but the target has ${usable.length} usable qubits`,
    );
  }
  const adj = adjacency(target);
  const dist = distances(adj);
  const edges = [...interactionGraph(circuit).values()];
  const weightOf: number[][] = Array.from({ length: n }, () => Array<number>(n).fill(0));
  for (const [u, v, count] of edges) {
    weightOf[u]![v] = count;
    weightOf[v]![u] = count;
  }
  const chains = interactionChains(n, edges);

  const score = (layout: number[]): Scored => {
    let routing = 0;
    let error = 0;
    for (const p of layout) error += readoutErrorOf(target, p);
    for (const [u, v, count] of edges) {
      const d = dist[layout[u]!]![layout[v]!]!;
      if (d === 1) error += count * pairErrorOf(target, layout[u]!, layout[v]!);
      else routing += count * (d - 1);
    }
    return { layout, routing, error };
  };

  const greedyPlacement = (candidate: readonly number[]): number[] => {
    const layout = Array<number>(n).fill(-1);
    const free = new Set(candidate);
    const degree = (u: number): number => weightOf[u]!.reduce((s, w) => s + w, 0);
    const placed: number[] = [];
    while (placed.length < n) {
      let best = -1;
      let bestKey: [number, number] = [-1, -1];
      for (let u = 0; u < n; u++) {
        if (layout[u] !== -1) continue;
        const toPlaced = placed.reduce((s, w) => s + weightOf[u]![w]!, 0);
        const key: [number, number] = [toPlaced, degree(u)];
        if (key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) {
          best = u;
          bestKey = key;
        }
      }
      let bestP = -1;
      let bestPKey: [number, number, number] = [-1, 0, 0];
      for (const p of free) {
        let adjacentWeight = 0;
        let distanceCost = 0;
        for (const w of placed) {
          const wt = weightOf[best]![w]!;
          if (wt === 0) continue;
          const d = dist[p]![layout[w]!]!;
          if (d === 1) adjacentWeight += wt;
          distanceCost += wt * d;
        }
        const inner = adj[p]!.filter((q) => free.has(q)).length;
        // more adjacent partners, then shorter distances, then room to grow, then low error
        const key: [number, number, number] = [
          adjacentWeight,
          -distanceCost,
          placed.length === 0 ? inner - readoutErrorOf(target, p) : -readoutErrorOf(target, p),
        ];
        if (
          bestP === -1 ||
          key[0] > bestPKey[0] ||
          (key[0] === bestPKey[0] &&
            (key[1] > bestPKey[1] || (key[1] === bestPKey[1] && key[2] > bestPKey[2])))
        ) {
          bestP = p;
          bestPKey = key;
        }
      }
      layout[best] = bestP;
      free.delete(bestP);
      placed.push(best);
    }
    return layout;
  };

  const chainPlacement = (path: readonly number[]): number[] | null => {
    if (chains === null) return null;
    const layout = Array<number>(n).fill(-1);
    let i = 0;
    for (const chain of chains) for (const u of chain) layout[u] = path[i++]!;
    return layout;
  };

  const scored: Scored[] = [];
  const consider = (layout: number[] | null): void => {
    if (layout !== null) scored.push(score(layout));
  };

  // simple paths of n qubits
  const maxCandidates = options.maxCandidates ?? 20_000;
  let found = 0;
  let steps = 0;
  const path: number[] = [];
  const onPath = new Set<number>();
  const extend = (node: number): void => {
    if (found >= maxCandidates || steps++ > 50 * maxCandidates) return;
    path.push(node);
    onPath.add(node);
    if (path.length === n) {
      found++;
      const placed = chainPlacement(path);
      consider(placed ?? greedyPlacement(path));
    } else {
      for (const next of adj[node]!) if (!onPath.has(next)) extend(next);
    }
    path.pop();
    onPath.delete(node);
  };
  // exact embeddings of the interaction graph (zero SWAPs), from the best-calibrated roots.
  // When one exists for a graph that is not a union of chains, paths and greedy growth
  // (the slow part on a large device) could only add other zero-SWAP layouts, so they are
  // skipped; embeddings are considered after the paths so that ties keep the path order
  const embeddings = exactEmbeddings(n, edges, adj, dist, usable, target);
  const searchPaths = chains !== null || embeddings.length === 0;
  if (searchPaths) for (const start of usable) extend(start);
  for (const layout of embeddings) consider(layout);

  // greedy connected growth from every qubit
  for (const start of searchPaths ? usable : []) {
    const set = [start];
    const inSet = new Set(set);
    while (set.length < n) {
      let bestQ = -1;
      let bestCost = Number.POSITIVE_INFINITY;
      for (const p of set) {
        for (const q of adj[p]!) {
          if (inSet.has(q)) continue;
          const cost = readoutErrorOf(target, q) + pairErrorOf(target, p, q);
          if (cost < bestCost) {
            bestCost = cost;
            bestQ = q;
          }
        }
      }
      if (bestQ === -1) break;
      set.push(bestQ);
      inSet.add(bestQ);
    }
    if (set.length === n) consider(greedyPlacement(set));
  }

  const ranked = rankBySimulatedRouting(circuit, scored, adj, dist, score, options);
  const chosen = ranked[0];
  if (chosen === undefined || !Number.isFinite(chosen.routing)) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `no connected set of ${n} usable qubits in the target's coupling map`,
    );
  }
  return chosen.layout;
}

function permutations(items: readonly number[]): number[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/**
 * Second stage: the best static candidates (and, for n ≤ 5, every placement of their
 * qubit sets, and their forward-backward refinements) are routed for real; fewest SWAPs
 * wins, then lowest error, then static order.
 */
function rankBySimulatedRouting(
  circuit: Circuit,
  scored: Scored[],
  adj: readonly (readonly number[])[],
  dist: readonly (readonly number[])[],
  score: (layout: number[]) => Scored,
  options: LayoutOptions,
): Scored[] {
  const byStatic = (a: Scored, b: Scored): number => a.routing - b.routing || a.error - b.error;
  const sorted = scored
    .map((s, i) => ({ s, i }))
    .sort((a, b) => byStatic(a.s, b.s) || a.i - b.i)
    .map(({ s }) => s);
  const twoQubit = circuit.gates.filter((gate) => GATES[gate.name].qubitCount === 2);
  // a zero routing cost means every interacting pair is coupled: no layout needs fewer SWAPs
  if (
    sorted.length === 0 ||
    twoQubit.length === 0 ||
    sorted[0]!.routing === 0 ||
    !Number.isFinite(sorted[0]!.routing)
  ) {
    return sorted;
  }
  const top = sorted.slice(0, options.maxRouted ?? 32);
  const pool: Scored[] = [...top];
  const n = circuit.numQubits;
  if (n <= 5 && twoQubit.length * top.length * 120 <= 2_000_000) {
    const seenSets = new Set<string>();
    for (const candidate of top) {
      const set = [...candidate.layout].sort((a, b) => a - b);
      const key = set.join(",");
      if (seenSets.has(key)) continue;
      seenSets.add(key);
      for (const layout of permutations(set)) pool.push(score(layout));
    }
  }
  // SABRE's layout refinement: route forward, then the reversed circuit from where the
  // qubits ended; where they end up then is a start that suits the circuit's beginning
  const reversed = [...twoQubit].reverse();
  const routing = { distances: dist };
  const seenLayouts = new Set(pool.map((candidate) => candidate.layout.join(",")));
  for (const candidate of top) {
    const forward = route(twoQubit, candidate.layout, adj, routing);
    const refined = route(reversed, forward.finalLayout, adj, routing).finalLayout;
    const key = refined.join(",");
    if (seenLayouts.has(key)) continue;
    seenLayouts.add(key);
    pool.push(score(refined));
  }
  const swapsOf = new Map<Scored, number>();
  for (const candidate of pool) {
    swapsOf.set(candidate, route(twoQubit, candidate.layout, adj, routing).swaps);
  }
  return pool
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        swapsOf.get(a.s)! - swapsOf.get(b.s)! ||
        a.s.error - b.s.error ||
        a.s.routing - b.s.routing ||
        a.i - b.i,
    )
    .map(({ s }) => s);
}

/** Embeddings tried per root qubit, and in all (so the search stays bounded on big devices). */
const EMBEDDINGS_PER_ROOT = 4;
const MAX_EMBEDDINGS = 256;
const EMBEDDING_STEP_BUDGET = 200_000;

/**
 * Exact embeddings (subgraph monomorphisms) of a connected interaction graph into the
 * coupling graph: every interacting virtual pair lands on coupled physical qubits, so
 * routing needs no SWAP. VF2-style backtracking over a breadth-first order of the virtual
 * qubits: each next one goes on a free neighbour of its already-placed BFS parent that is
 * coupled to all its other placed partners and has at least as many couplings as it has
 * partners. Roots are tried
 * from the best-calibrated qubit down (readout error plus mean coupling error), at most
 * {@link EMBEDDINGS_PER_ROOT} each, so the results spread over the device's good regions
 * instead of clustering at low indices. Virtual qubits without two-qubit gates go on the
 * free qubit nearest to the embedding with the lowest readout error. Returns [] when the
 * interaction graph is disconnected or no embedding is found within the step budget.
 */
function exactEmbeddings(
  n: number,
  edges: readonly [number, number, number][],
  adj: readonly (readonly number[])[],
  dist: readonly (readonly number[])[],
  usable: readonly number[],
  target: Target,
): number[][] {
  const nbrs: number[][] = Array.from({ length: n }, () => []);
  for (const [u, v] of edges) {
    nbrs[u]!.push(v);
    nbrs[v]!.push(u);
  }
  const interacting = nbrs.map((list, v) => (list.length > 0 ? v : -1)).filter((v) => v >= 0);
  if (interacting.length === 0) return [];
  // breadth-first order from the most-connected virtual qubit; parent = placed neighbour
  let root = interacting[0]!;
  for (const v of interacting) if (nbrs[v]!.length > nbrs[root]!.length) root = v;
  const order = [root];
  const parent = new Int32Array(n).fill(-1);
  const rank = new Int32Array(n).fill(-1);
  rank[root] = 0;
  for (let i = 0; i < order.length; i++) {
    for (const w of nbrs[order[i]!]!) {
      if (rank[w] !== -1) continue;
      rank[w] = order.length;
      parent[w] = order[i]!;
      order.push(w);
    }
  }
  if (order.length !== interacting.length) return [];
  const earlier = order.map((v) => nbrs[v]!.filter((w) => rank[w]! < rank[v]!));

  const quality = (p: number): number => {
    let pair = 0;
    for (const q of adj[p]!) pair += pairErrorOf(target, p, q);
    return readoutErrorOf(target, p) + (adj[p]!.length > 0 ? pair / adj[p]!.length : 0);
  };
  const roots = usable
    .filter((p) => adj[p]!.length >= nbrs[root]!.length)
    .map((p) => ({ p, key: quality(p) }))
    .sort((a, b) => a.key - b.key || a.p - b.p)
    .map(({ p }) => p);

  const found: number[][] = [];
  const phys = new Int32Array(n).fill(-1);
  const used = new Uint8Array(adj.length);
  let steps = 0;
  let foundHere = 0;
  const placeFrom = (i: number): void => {
    if (foundHere >= EMBEDDINGS_PER_ROOT || steps > EMBEDDING_STEP_BUDGET) return;
    if (i === order.length) {
      const layout = completeWithIdle(phys, dist, usable, target);
      if (layout !== null) found.push(layout);
      foundHere++;
      return;
    }
    const v = order[i]!;
    for (const p of adj[phys[parent[v]!]!]!) {
      steps++;
      if (used[p] || adj[p]!.length < nbrs[v]!.length) continue;
      if (!earlier[i]!.every((w) => dist[p]![phys[w]!] === 1)) continue;
      phys[v] = p;
      used[p] = 1;
      placeFrom(i + 1);
      used[p] = 0;
      phys[v] = -1;
    }
  };
  for (const p of roots) {
    if (found.length >= MAX_EMBEDDINGS || steps > EMBEDDING_STEP_BUDGET) break;
    foundHere = 0;
    phys[root] = p;
    used[p] = 1;
    placeFrom(1);
    used[p] = 0;
    phys[root] = -1;
  }
  return found;
}

/** Places virtual qubits without two-qubit gates (phys −1) next to the embedded ones. */
function completeWithIdle(
  phys: Int32Array,
  dist: readonly (readonly number[])[],
  usable: readonly number[],
  target: Target,
): number[] | null {
  const layout = Array.from(phys);
  const taken = new Set(layout.filter((p) => p >= 0));
  for (let v = 0; v < layout.length; v++) {
    if (layout[v]! >= 0) continue;
    let best = -1;
    let bestKey = Number.POSITIVE_INFINITY;
    for (const p of usable) {
      if (taken.has(p)) continue;
      let nearest = Number.POSITIVE_INFINITY;
      for (const q of taken) nearest = Math.min(nearest, dist[p]![q]!);
      const key = nearest + readoutErrorOf(target, p);
      if (key < bestKey) {
        bestKey = key;
        best = p;
      }
    }
    if (best === -1) return null;
    layout[v] = best;
    taken.add(best);
  }
  return layout;
}
