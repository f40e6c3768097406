/**
 * Routing: rewrites a virtual-qubit gate list onto physical qubits, inserting SWAPs only
 * when a two-qubit gate acts on physical qubits that are not coupled (in either
 * direction). Physical qubits outside the layout hold |0⟩ and may be swapped through.
 *
 * SABRE-style heuristic (Li, Ding, Xie 2019): gates form a dependency DAG; every gate
 * whose predecessors are done and that is executable (one-qubit, or two-qubit on a
 * coupled pair) is emitted at once. When only blocked two-qubit gates are left in the
 * front layer, the SWAP on an edge touching a front-layer qubit that minimises
 *   max(decay[a], decay[b]) · (mean front distance + W · mean extended-set distance)
 * is applied. The extended set holds the next `lookahead` two-qubit gates behind the
 * front layer; `decay` grows on recently swapped qubits so that parallel SWAPs on other
 * qubits are preferred (reset whenever a gate executes, and every 5 swaps). Ties go to the
 * lowest edge (deterministic). If many SWAPs make no progress (a rare livelock), the
 * closest front gate is routed along a shortest path.
 *
 * The plain shortest-path router (each blocked gate's first operand walks towards the
 * second) also runs as a baseline and wins only with strictly fewer SWAPs, so the result
 * never needs more SWAPs than that router did.
 */
import { QplaneError } from "../../errors/catalogue.js";
import { GATES } from "../gates.js";
import type { Gate } from "../ir.js";

export interface RoutingResult {
  /** Gates on physical qubits, with inserted `swap` gates. */
  readonly gates: Gate[];
  /** Where each virtual qubit sits at the end (virtual → physical). */
  readonly finalLayout: number[];
  readonly swaps: number;
}

export interface RoutingOptions {
  /** All-pairs hop distances of `adj` (computed when absent; pass it when routing often). */
  readonly distances?: readonly (readonly number[])[];
  /** Two-qubit gates in the extended set. @defaultValue 20 */
  readonly lookahead?: number;
  /**
   * `best`: fewer SWAPs of SABRE and the shortest-path baseline (SABRE on ties); `sabre` or
   * `shortest-path` alone (for comparisons). @defaultValue "best"
   */
  readonly method?: "best" | "sabre" | "shortest-path";
}

/**
 * Weight W of the extended set (SABRE's published value; 0.2 and 0.8 gave the same SWAP
 * counts on the routing benchmarks, so one trial suffices).
 */
const EXTENDED_WEIGHT = 0.5;
const DECAY_STEP = 0.001;
const DECAY_RESET_INTERVAL = 5;

/** All-pairs hop distances over an adjacency list (Infinity when disconnected). */
export function distances(adj: readonly (readonly number[])[]): number[][] {
  return adj.map((_, start) => {
    const dist = Array.from({ length: adj.length }, () => Number.POSITIVE_INFINITY);
    dist[start] = 0;
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      for (const next of adj[node]!) {
        if (dist[next] === Number.POSITIVE_INFINITY) {
          dist[next] = dist[node]! + 1;
          queue.push(next);
        }
      }
    }
    return dist;
  });
}

function shortestPath(adj: readonly (readonly number[])[], from: number, to: number): number[] {
  const previous = new Map<number, number>([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (node === to) break;
    for (const next of adj[node]!) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  if (!previous.has(to)) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `physical qubits ${from} and ${to} are not connected in the coupling map`,
    );
  }
  const path = [to];
  while (path[path.length - 1] !== from) path.push(previous.get(path[path.length - 1]!)!);
  return path.reverse();
}

/** Mutable placement during routing: virtual ↔ physical, and the output gate list. */
class Placement {
  readonly layout: number[];
  /** occupant[p] = virtual qubit on physical p, or −1 for an idle qubit. */
  readonly occupant: Int32Array;
  readonly out: Gate[] = [];
  swaps = 0;

  constructor(initialLayout: readonly number[], numPhysical: number) {
    this.layout = [...initialLayout];
    this.occupant = new Int32Array(numPhysical).fill(-1);
    this.layout.forEach((p, v) => {
      this.occupant[p] = v;
    });
  }

  swap(a: number, b: number): void {
    this.out.push({ name: "swap", qubits: [a, b], args: [] });
    this.swaps++;
    const va = this.occupant[a]!;
    const vb = this.occupant[b]!;
    this.occupant[a] = vb;
    this.occupant[b] = va;
    if (va >= 0) this.layout[va] = b;
    if (vb >= 0) this.layout[vb] = a;
  }

  emit(gate: Gate): void {
    this.out.push({
      name: gate.name,
      qubits: gate.qubits.map((q) => this.layout[q]!),
      args: gate.args,
    });
  }

  /** Moves virtual `u` along a shortest path until it is adjacent to virtual `v`. */
  bringTogether(adj: readonly (readonly number[])[], u: number, v: number): void {
    const path = shortestPath(adj, this.layout[u]!, this.layout[v]!);
    for (let i = 0; i + 2 < path.length; i++) this.swap(path[i]!, path[i + 1]!);
  }

  result(): RoutingResult {
    return { gates: this.out, finalLayout: this.layout, swaps: this.swaps };
  }
}

const isTwoQubit = (gate: Gate): boolean => GATES[gate.name].qubitCount === 2;

/** The baseline: gates in order, each blocked pair joined along a shortest path. */
function routeShortestPath(
  gates: readonly Gate[],
  initialLayout: readonly number[],
  adj: readonly (readonly number[])[],
): RoutingResult {
  const placement = new Placement(initialLayout, adj.length);
  for (const gate of gates) {
    if (isTwoQubit(gate)) {
      const [u, v] = gate.qubits as [number, number];
      if (!adj[placement.layout[u]!]!.includes(placement.layout[v]!)) {
        placement.bringTogether(adj, u, v);
      }
    }
    placement.emit(gate);
  }
  return placement.result();
}

/** Gate dependency DAG over virtual qubits: successors and predecessor counts. */
interface Dag {
  readonly successors: number[][];
  readonly predecessorCount: Int32Array;
}

function buildDag(gates: readonly Gate[], numVirtual: number): Dag {
  const successors: number[][] = gates.map(() => []);
  const predecessorCount = new Int32Array(gates.length);
  const last = new Int32Array(numVirtual).fill(-1);
  gates.forEach((gate, g) => {
    for (const q of gate.qubits) {
      const previous = last[q]!;
      // a two-qubit gate after another on the same pair depends on it once
      if (previous >= 0 && !successors[previous]!.includes(g)) {
        successors[previous]!.push(g);
        predecessorCount[g]! += 1;
      }
      last[q] = g;
    }
  });
  return { successors, predecessorCount };
}

function routeSabre(
  gates: readonly Gate[],
  initialLayout: readonly number[],
  adj: readonly (readonly number[])[],
  dist: readonly (readonly number[])[],
  dag: Dag,
  extendedWeight: number,
  lookahead: number,
): RoutingResult {
  const placement = new Placement(initialLayout, adj.length);
  const { layout } = placement;
  const remaining = Int32Array.from(dag.predecessorCount);
  const decay = new Float64Array(adj.length).fill(1);
  let front: number[] = [];
  gates.forEach((_, g) => {
    if (remaining[g] === 0) front.push(g);
  });
  const stallLimit = 10 * Math.max(1, initialLayout.length);
  let stalled = 0;
  let swapsSinceReset = 0;
  const extended: number[] = [];
  const inFront = new Uint8Array(gates.length);
  const seen = new Uint8Array(gates.length);

  const executable = (g: number): boolean => {
    const gate = gates[g]!;
    if (!isTwoQubit(gate)) return true;
    const a = layout[gate.qubits[0]!]!;
    const b = layout[gate.qubits[1]!]!;
    return dist[a]![b] === 1;
  };

  /** Emits every executable gate reachable without a swap; true if any was emitted. */
  const advance = (): boolean => {
    let progressed = false;
    let changed = true;
    while (changed) {
      changed = false;
      const next: number[] = [];
      for (const g of front) {
        if (!executable(g)) {
          next.push(g);
          continue;
        }
        placement.emit(gates[g]!);
        changed = true;
        progressed = true;
        for (const s of dag.successors[g]!) {
          remaining[s]! -= 1;
          if (remaining[s] === 0) next.push(s);
        }
      }
      next.sort((x, y) => x - y);
      front = next;
    }
    return progressed;
  };

  /** The next `lookahead` two-qubit gates behind the front layer (DAG breadth-first). */
  const fillExtended = (): void => {
    extended.length = 0;
    seen.fill(0);
    inFront.fill(0);
    for (const g of front) inFront[g] = 1;
    const queue = [...front];
    for (let i = 0; i < queue.length && extended.length < lookahead; i++) {
      for (const s of dag.successors[queue[i]!]!) {
        if (seen[s] || inFront[s]) continue;
        seen[s] = 1;
        queue.push(s);
        if (isTwoQubit(gates[s]!)) {
          extended.push(s);
          if (extended.length >= lookahead) break;
        }
      }
    }
  };

  const currentDistance = (g: number): number => {
    const gate = gates[g]!;
    return dist[layout[gate.qubits[0]!]!]![layout[gate.qubits[1]!]!]!;
  };

  const pairDistance = (g: number, a: number, b: number): number => {
    // distance of gate g's operands if physical qubits a and b were swapped
    const gate = gates[g]!;
    let p = layout[gate.qubits[0]!]!;
    let q = layout[gate.qubits[1]!]!;
    if (p === a) p = b;
    else if (p === b) p = a;
    if (q === a) q = b;
    else if (q === b) q = a;
    return dist[p]![q]!;
  };

  advance();
  while (front.length > 0) {
    fillExtended();
    const candidates: [number, number][] = [];
    const keys = new Set<number>();
    for (const g of front) {
      for (const v of gates[g]!.qubits) {
        const p = layout[v]!;
        for (const n of adj[p]!) {
          const a = Math.min(p, n);
          const b = Math.max(p, n);
          const key = a * adj.length + b;
          if (keys.has(key)) continue;
          keys.add(key);
          candidates.push([a, b]);
        }
      }
    }
    candidates.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let best: [number, number] | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const [a, b] of candidates) {
      let frontCost = 0;
      for (const g of front) frontCost += pairDistance(g, a, b);
      let extendedCost = 0;
      for (const g of extended) extendedCost += pairDistance(g, a, b);
      const score =
        Math.max(decay[a]!, decay[b]!) *
        (frontCost / front.length +
          (extended.length > 0 ? (extendedWeight * extendedCost) / extended.length : 0));
      if (score < bestScore) {
        bestScore = score;
        best = [a, b];
      }
    }
    if (best === undefined || !Number.isFinite(bestScore) || stalled >= stallLimit) {
      // release valve (or a disconnected pair, which bringTogether reports): join the
      // closest blocked front gate along a shortest path
      let closest = front[0]!;
      for (const g of front) if (currentDistance(g) < currentDistance(closest)) closest = g;
      const [u, v] = gates[closest]!.qubits as [number, number];
      placement.bringTogether(adj, u, v);
    } else {
      placement.swap(best[0], best[1]);
      decay[best[0]]! += DECAY_STEP;
      decay[best[1]]! += DECAY_STEP;
      swapsSinceReset++;
      if (swapsSinceReset >= DECAY_RESET_INTERVAL) {
        decay.fill(1);
        swapsSinceReset = 0;
      }
    }
    stalled++;
    if (advance()) {
      stalled = 0;
      decay.fill(1);
      swapsSinceReset = 0;
    }
  }
  return placement.result();
}

/**
 * Maps gates from virtual to physical qubits starting at `initialLayout`, inserting swaps
 * (see module comment). `adj` is the undirected adjacency of usable physical qubits.
 */
export function route(
  gates: readonly Gate[],
  initialLayout: readonly number[],
  adj: readonly (readonly number[])[],
  options: RoutingOptions = {},
): RoutingResult {
  const method = options.method ?? "best";
  if (method === "shortest-path") return routeShortestPath(gates, initialLayout, adj);
  const dist = options.distances ?? distances(adj);
  const lookahead = options.lookahead ?? 20;
  if (!Number.isInteger(lookahead) || lookahead < 0) {
    throw new QplaneError(
      "QPLANE_ERR_PROVIDER_CIRCUIT",
      `routing lookahead must be a non-negative integer, got ${lookahead}`,
    );
  }
  const dag = buildDag(gates, initialLayout.length);
  const sabre = routeSabre(gates, initialLayout, adj, dist, dag, EXTENDED_WEIGHT, lookahead);
  if (method === "sabre" || sabre.swaps === 0) return sabre;
  const baseline = routeShortestPath(gates, initialLayout, adj);
  return baseline.swaps < sabre.swaps ? baseline : sabre;
}
