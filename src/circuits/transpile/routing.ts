/**
 * Routing: rewrites a virtual-qubit gate list onto physical qubits, inserting SWAPs only
 * when a two-qubit gate acts on physical qubits that are not coupled (in either
 * direction). The first operand moves along a shortest path (BFS, lowest-index
 * neighbours first) until it is adjacent to the second; each step is a `swap` gate that
 * later becomes three two-qubit basis gates. Physical qubits outside the layout hold
 * |0⟩ and may be swapped through.
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

/**
 * Maps gates from virtual to physical qubits starting at `initialLayout`, inserting swaps.
 * `adj` is the undirected adjacency of usable physical qubits.
 */
export function route(
  gates: readonly Gate[],
  initialLayout: readonly number[],
  adj: readonly (readonly number[])[],
): RoutingResult {
  const layout = [...initialLayout];
  const occupant = new Map<number, number>();
  layout.forEach((p, v) => {
    occupant.set(p, v);
  });
  const coupled = (a: number, b: number): boolean => adj[a]!.includes(b);
  const out: Gate[] = [];
  let swaps = 0;
  const swap = (a: number, b: number): void => {
    out.push({ name: "swap", qubits: [a, b], args: [] });
    swaps++;
    const va = occupant.get(a);
    const vb = occupant.get(b);
    occupant.delete(a);
    occupant.delete(b);
    if (va !== undefined) {
      layout[va] = b;
      occupant.set(b, va);
    }
    if (vb !== undefined) {
      layout[vb] = a;
      occupant.set(a, vb);
    }
  };
  for (const gate of gates) {
    if (GATES[gate.name].qubitCount === 2) {
      const [u, v] = gate.qubits as [number, number];
      if (!coupled(layout[u]!, layout[v]!)) {
        const path = shortestPath(adj, layout[u]!, layout[v]!);
        for (let i = 0; i + 2 < path.length; i++) swap(path[i]!, path[i + 1]!);
      }
    }
    out.push({ name: gate.name, qubits: gate.qubits.map((q) => layout[q]!), args: gate.args });
  }
  return { gates: out, finalLayout: layout, swaps };
}
