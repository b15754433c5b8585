// The backbone's output tensor shape; its own file so the pre-fill stages need not import the engine
// (a cycle engine -> prefillPool -> prefillStages -> engine).

export interface OutputShapes {
  c: number
  d: number
  h: number
  w: number
}
