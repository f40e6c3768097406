/** OpenQASM 3 export and import of the circuit IR. */
export { type EmitQasm3Options, emitQasm3, formatQasmNumber } from "./emit.js";
export {
  analyzeModelProgram,
  DEFAULT_FEATURE_PATTERNS,
  type FeatureInputs,
  type ModelProgram,
  type ModelProgramOptions,
} from "./model-program.js";
export { parameterFromQasmName, qasmParameterNames } from "./naming.js";
export {
  type BitRegisterDeclaration,
  type InputDeclaration,
  type ParsedQasm3Program,
  type ParseQasm3Options,
  parseQasm3,
  parseQasm3Program,
} from "./parse.js";
