/**
 * Pacing lives in src/pacing (the MLP and the gradient methods pace their own work with it,
 * and may not import this provider); the simulator's modules keep importing it from here.
 */
export * from "../../src/pacing/pacing.js";
