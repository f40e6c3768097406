/** OpenQASM 3 export and import of the circuit IR. */
export { type EmitQasm3Options, emitQasm3, formatQasmNumber } from "./emit.js";
export { parameterFromQasmName, qasmParameterNames } from "./naming.js";
export {
  type ParsedQasm3Program,
  type ParseQasm3Options,
  parseQasm3,
  parseQasm3Program,
} from "./parse.js";
